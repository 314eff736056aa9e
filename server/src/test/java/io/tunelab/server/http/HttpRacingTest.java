package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Json;
import io.tunelab.api.Racing;
import io.tunelab.api.RankGroup;
import io.tunelab.api.Repetition;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.analysis.RepetitionStatistics;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Racing over real HTTP against a server on a real port with H2 files: repetitions leased one at
 * a time through the SDK, worse trials raced out with their p-value, a race that goes on across
 * restarts, and every bad racing spec or repetition answered with its status, code and message,
 * changing nothing.
 */
class HttpRacingTest {
    /** Paired noise of each repetition id, shared by every configuration, as folds or seeds are. */
    private static final double[] SHARED = {0.08, -0.05, 0.03, -0.07, 0.01};

    @RegisterExtension
    final TestServer server = new TestServer();
    TunelabClient client;
    RawHttp raw;
    String token;

    @BeforeEach
    void connect() {
        token = server.adminToken();
        client = server.client();
        raw = new RawHttp(server.port());
    }

    void restart() {
        server.restart();
        connect();
    }

    static ExperimentSpec.Builder race(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 11L, Map.of())).racing(Racing.of(2, 5));
    }

    @Test
    void optimizeEvaluatesOneRepetitionAtATimeAndTheServerRacesOutTheWorse() {
        ExperimentHandle exp = client.launch(race("race").trials(12).build());
        int evaluations = exp.optimize(trial -> {
            int r = trial.repetition().orElseThrow();
            double x = trial.floatParam("x");
            return 4 * (x - 0.3) * (x - 0.3) + SHARED[r] + 0.002 * ((trial.number() * 7 + r * 3) % 5);
        }, 200, 1);

        var e = exp.awaitCompletion(Duration.ofSeconds(10));
        assertThat(e.state()).isEqualTo(ExperimentState.COMPLETED);
        List<Trial> trials = exp.trials();
        assertThat(trials).hasSize(12).allSatisfy(t -> assertThat(t.state()).isIn(TrialState.COMPLETE, TrialState.RACED_OUT));
        assertThat(evaluations).isEqualTo(trials.stream().mapToInt(t -> t.repetitions().size()).sum());
        assertThat(trials).allSatisfy(t -> {
            assertThat(t.repetitions()).extracting(Repetition::index).isEqualTo(
                    IntStream.range(0, t.repetitions().size()).boxed().toList());
            assertThat(t.repetitions().size()).isBetween(2, 5);
            assertThat(t.statistics().get("loss").n()).isEqualTo(t.repetitions().size());
        });
        List<Trial> racedOut = trials.stream().filter(t -> t.state() == TrialState.RACED_OUT).toList();
        assertThat(racedOut).isNotEmpty().allSatisfy(t -> {
            Map<?, ?> race = (Map<?, ?>) t.provenance().get("race");
            assertThat(((Number) race.get("p_value")).doubleValue()).isLessThan(0.05);
            assertThat(((Number) race.get("shared_repetitions")).intValue()).isBetween(2, t.repetitions().size());
            assertThat(((Number) race.get("difference")).doubleValue()).isPositive();
        });
        assertThat(trials).anySatisfy(t -> assertThat(t.repetitions()).hasSize(5));
        assertThat(evaluations).isLessThan(12 * 5);
    }

    @Test
    void aRaceGoesOnWhereItStoodAfterRestarts() throws Exception {
        client.launch(race("resumed").trials(2).build());
        TrialProposal first = client.askLeased("resumed");
        assertThat(first.repetition()).isEqualTo(0);
        tell(first, 0.50);
        TrialProposal again = client.askLeased("resumed");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.repetition()).isEqualTo(1);
        tell(again, 0.40);
        assertThat(client.trial(first.id()).state()).isEqualTo(TrialState.WAITING);

        restart();
        assertThat(client.trial(first.id()).repetitions()).hasSize(2);
        for (int r = 2; r < 5; r++) {
            TrialProposal next = client.askLeased("resumed");
            assertThat(next.id()).isEqualTo(first.id());
            assertThat(next.repetition()).isEqualTo(r);
            restart(); // mid-lease: the lease outlives the restart and the tell is accepted after it
            tell(next, 0.45 + SHARED[r]);
        }
        Trial incumbent = client.trial(first.id());
        assertThat(incumbent.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(incumbent.repetitions()).hasSize(5);

        TrialProposal challenger = client.askLeased("resumed");
        assertThat(challenger.id()).isNotEqualTo(first.id());
        assertThat(challenger.repetition()).isEqualTo(0);
        tell(challenger, 0.50 + 0.90);
        restart();
        TrialProposal second = client.askLeased("resumed");
        assertThat(second.repetition()).isEqualTo(1);
        tell(second, 0.40 + 0.91);

        restart();
        Trial out = client.trial(challenger.id());
        assertThat(out.state()).isEqualTo(TrialState.RACED_OUT);
        assertThat((Map<String, Object>) out.provenance().get("race")).containsEntry("shared_repetitions", 2).containsEntry("incumbent", 0);
        assertThat(client.describe("resumed").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(client.describe("resumed").spec().racing()).isEqualTo(Racing.of(2, 5));

        // The leaderboard: the ranked trials, then those the race ended, without a rank; paged across both.
        List<Trial> board = client.leaderboard("resumed", 10);
        assertThat(board).extracting(Trial::id).containsExactly(first.id(), challenger.id());
        assertThat(board.getFirst().rank().group()).isEqualTo(RankGroup.BEST);
        assertThat(board.getLast().state()).isEqualTo(TrialState.RACED_OUT);
        assertThat(board.getLast().rank()).isNull();
        RawHttp.Reply page = raw.send("GET", "/api/experiments/resumed/leaderboard?offset=1&limit=1",
                Map.of("Authorization", "Bearer " + token), (String) null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("RACED_OUT").contains("p_value").doesNotContain("\"rank\"");
    }

    private void tell(TrialProposal p, double loss) {
        client.result(p.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", loss), null, null, p.leaseId(), null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            least below 2          | {"min_repetitions": 1, "max_repetitions": 3}                  | racing.min_repetitions must be at least 2
            most below least       | {"min_repetitions": 4, "max_repetitions": 3}                  | racing.max_repetitions (3) must be at least racing.min_repetitions (4)
            most missing           | {"min_repetitions": 2}                                        | racing.max_repetitions is required
            most above 100         | {"max_repetitions": 101}                                      | racing.max_repetitions must be at most 100
            alpha 1                | {"max_repetitions": 3, "alpha": 1}                            | racing.alpha must lie strictly between 0 and 1
            alpha 0                | {"max_repetitions": 3, "alpha": 0}                            | racing.alpha must lie strictly between 0 and 1
            unknown test           | {"max_repetitions": 3, "test": "anova"}                       | racing.test: "anova" is not a paired test; options: corrected-t
            corrected-t for seeds  | {"max_repetitions": 3, "test": "corrected-t"}                 | racing.test corrected-t is for cross-validation folds
            """)
    void badRacingSectionsAreRefusedAndChangeNothing(String what, String racing, String message) throws Exception {
        assertRefused("{\"name\": \"bad\", \"objective\": {\"metric\": \"loss\"}, \"racing\": " + racing + "}",
                ErrorCode.INVALID_SPEC, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            repetitions disagree   | "repetitions": 3, "racing": {"max_repetitions": 5}              | repetitions (3) and racing.max_repetitions (5) disagree
            two objectives         | "objectives": [{"metric": "a"}, {"metric": "b"}], "racing": {"max_repetitions": 3} | racing compares trials on one objective
            more than the folds    | "racing": {"max_repetitions": 4}, "task": {"dataset": {"name": "iris", "validation": {"folds": 3}}} | racing.max_repetitions (4) is more than the 3 cross-validation folds
            searched folds         | "racing": {"max_repetitions": 3}, "space": {"dataset.validation.folds": {"type": "int", "low": 3, "high": 5}} | param "dataset.validation.folds" gives each trial its own folds
            seed test with folds   | "racing": {"max_repetitions": 3, "test": "wilcoxon"}, "task": {"dataset": {"name": "iris", "validation": {"folds": 3}}} | racing.test wilcoxon applies to seeds
            """)
    void racingThatDoesNotFitTheRestOfTheSpecIsRefused(String what, String fields, String message) throws Exception {
        String objective = fields.contains("objectives") ? "" : "\"objective\": {\"metric\": \"loss\"}, ";
        assertRefused("{\"name\": \"bad\", " + objective + fields + "}", ErrorCode.INVALID_SPEC, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            float folds param      | {"type": "float", "low": 2, "high": 5}                         | param "dataset.validation.folds" must be an int param from 2 to 100
            folds param below 2    | {"type": "int", "low": 1, "high": 5}                           | must be an int param from 2 to 100 (workers split the data into at most 100 folds), as {type: int, low: 3, high: 10}
            """)
    void searchedFoldsThatCannotBeFoldsAreRefused(String what, String param, String message) throws Exception {
        assertRefused("{\"name\": \"bad\", \"objective\": {\"metric\": \"loss\"}, \"space\": {\"dataset.validation.folds\": "
                + param + "}}", ErrorCode.INVALID_SPEC, message);
    }

    @Test
    void searchedFoldsAreAcceptedAndEachTrialsIntervalIsCorrectedForItsOwnK() {
        client.launch(ExperimentSpec.builder("k").minimize("loss").param("dataset.validation.folds", IntParam.of(3, 5))
                .strategy(new StrategySpec("random", 2L, Map.of())).trials(1).build());
        TrialProposal p = client.ask("k");
        int k = ((Number) p.params().get("dataset.validation.folds")).intValue();
        var repetitions = IntStream.range(0, k).mapToObj(i -> new Repetition(i, null, Map.of("loss", 0.5 + 0.01 * i))).toList();
        client.result(p.id(), TrialResult.ofRepetitions(repetitions));

        var stats = client.trial(p.id()).statistics().get("loss");
        double plain = RepetitionStatistics.of(repetitions.stream()
                .mapToDouble(r -> r.values().get("loss")).toArray()).ciHigh() - stats.mean();
        // The corrected interval is wider than the plain one by sqrt(1 + k/(k-1)).
        assertThat(stats.ciHigh() - stats.mean()).isCloseTo(plain * Math.sqrt(1 + k / (k - 1.0)), within(1e-9));
    }

    @Test
    void aResultThatTellsAnotherRepetitionOrSeveralOrRacesOutItselfIsRefusedAndChangesNothing() throws Exception {
        client.launch(race("strict").trials(3).build());
        TrialProposal p = client.askLeased("strict");
        String lease = "\"leaseId\": \"" + p.leaseId() + "\"";
        String path = "/api/trials/" + p.id() + "/result";
        String before = Json.write(client.trial(p.id()));

        assertRefused(path, "{\"state\": \"COMPLETE\", " + lease + ", \"repetitions\": [{\"index\": 3, \"values\": {\"loss\": 1}}]}",
                ErrorCode.INVALID_VALUE, "was given repetition 0 to evaluate, but the result tells repetition 3; tell repetition 0");
        assertRefused(path, "{\"state\": \"COMPLETE\", " + lease + ", \"repetitions\": [{\"values\": {\"loss\": 1}}, "
                + "{\"values\": {\"loss\": 2}}]}", ErrorCode.INVALID_VALUE, "a result tells one repetition, repetition 0 of trial");
        assertRefused(path, "{\"state\": \"RACED_OUT\", " + lease + ", \"values\": {\"loss\": 1}}",
                ErrorCode.INVALID_VALUE, "state must be COMPLETE, PRUNED or FAILED, got RACED_OUT");
        assertRefused(path, "{\"state\": \"COMPLETE\", " + lease + ", \"values\": {\"accuracy\": 1}}",
                ErrorCode.INVALID_VALUE, "names metric \"accuracy\", which is not an objective");
        assertThat(Json.write(client.trial(p.id()))).isEqualTo(before);
    }

    private void assertRefused(String body, ErrorCode code, String message) throws Exception {
        String before = Json.write(client.experiments());
        assertRefused("/api/experiments", body, code, message);
        assertThat(Json.write(client.experiments())).isEqualTo(before);
    }

    private void assertRefused(String path, String body, ErrorCode code, String message) throws Exception {
        RawHttp.Reply r = raw.send("POST", path, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("code")).isEqualTo(code.name());
        assertThat((String) r.json().get("message")).contains(message);
    }
}
