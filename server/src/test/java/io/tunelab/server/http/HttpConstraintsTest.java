package io.tunelab.server.http;

import io.tunelab.api.Constraint;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Repetition;
import io.tunelab.api.TrialResult;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.RankGroup;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constraints over real HTTP: a constrained experiment created through the API tells feasible
 * from infeasible trials by the metrics they report, ranks the infeasible ones last on the
 * leaderboard (with their feasibility and violation in the JSON) and keeps them out of the
 * summary's best; every bad constraint is answered 400 naming its field, creating nothing.
 */
class HttpConstraintsTest {
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

    @Test
    void infeasibleTrialsRankAfterFeasibleOnesOnTheLeaderboardAndTheSummary() throws Exception {
        RawHttp.Reply created = post("/api/experiments", """
                {"name": "latency", "objective": {"metric": "loss"}, "space": {"x": {"type": "float", "low": 0, "high": 1}},
                 "strategy": {"name": "random", "seed": 5}, "budget": {"trials": 10},
                 "constraints": [{"metric": "latency_ms", "max": 20}, {"metric": "size_mb", "min": 1, "max": 50}]}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        ExperimentHandle exp = client.experiment("latency");
        assertThat(exp.info().spec().constraints())
                .containsExactly(Constraint.atMost("latency_ms", 20), Constraint.between("size_mb", 1, 50));

        long fastest = tell(exp, 0.10, 35.0, 10.0);     // best loss, too slow: violation 15
        long feasible = tell(exp, 0.40, 15.0, 10.0);
        long almost = tell(exp, 0.20, 21.0, 0.5);       // violation 1 + 0.5
        long unmeasured = tell(exp, 0.05, null, 10.0);  // no latency reported: infeasible
        long better = tell(exp, 0.30, 20.0, 50.0);      // on both bounds: feasible

        List<Trial> board = exp.leaderboard(10);
        assertThat(board).extracting(Trial::id).containsExactly(better, feasible, almost, fastest, unmeasured);
        assertThat(board).extracting(t -> t.rank().feasible()).containsExactly(true, true, false, false, false);
        assertThat(board).extracting(t -> t.rank().violation()).containsExactly(0.0, 0.0, 1.5, 15.0, null);
        assertThat(board.get(2).rank().group()).isEqualTo(RankGroup.INFEASIBLE);
        assertThat(board.get(4).rank().note()).contains("latency_ms not reported");

        RawHttp.Reply page = raw.send("GET", "/api/experiments/latency/leaderboard?limit=2&offset=2",
                Map.of("Authorization", "Bearer " + token), (byte[]) null);
        assertThat(page.body()).contains("\"feasible\":false", "\"violation\":1.5", "\"group\":\"infeasible\"");

        ExperimentSummary summary = client.experiments().stream().filter(s -> s.name().equals("latency")).findFirst().orElseThrow();
        assertThat(summary.bestTrial()).isEqualTo(better);
        assertThat(summary.best()).containsEntry("loss", 0.30);
    }

    @Test
    void aTrialAndItsTellReplyShowItsFeasibilityAsTheLeaderboardDoes() throws Exception {
        client.launch(ExperimentSpec.builder("gated").minimize("loss").param("x", FloatParam.of(0, 1))
                .constraints(Constraint.atMost("latency_ms", 20)).build());
        client.launch(ExperimentSpec.builder("free").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        ExperimentHandle exp = client.experiment("gated");
        record Case(String values, Map<String, Object> feasibility) {
        }
        for (Case c : List.of(
                new Case("{\"loss\": 0.2, \"latency_ms\": 12}", Map.of("feasible", true, "violation", 0.0)),
                new Case("{\"loss\": 0.1, \"latency_ms\": 27.5}", Map.of("feasible", false, "violation", 7.5,
                        "note", "infeasible: latency_ms 27.5 above max 20.0")),
                new Case("{\"loss\": 0.3}", Map.of("feasible", false, "note", "infeasible: latency_ms not reported")))) {
            long id = exp.ask().id();
            RawHttp.Reply told = post("/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": " + c.values() + "}");
            assertThat(told.status()).as(told.body()).isEqualTo(200);
            RawHttp.Reply shown = raw.send("GET", "/api/trials/" + id, Map.of("Authorization", "Bearer " + token), (byte[]) null);
            assertThat(told.body()).as("the tell's reply is the trial as GET shows it").isEqualTo(shown.body());
            assertThat(shown.json()).containsEntry("feasibility", c.feasibility());
            Trial t = client.trial(id);
            Trial listed = exp.leaderboard(10).stream().filter(x -> x.id() == id).findFirst().orElseThrow();
            assertThat(t.feasibility()).isEqualTo(listed.feasibility());
            assertThat(t.feasibility().feasible()).isEqualTo(listed.rank().feasible());
            assertThat(t.feasibility().violation()).isEqualTo(listed.rank().violation());
            if (!t.feasibility().feasible()) {
                assertThat(t.feasibility().note()).isEqualTo(listed.rank().note());
            }
        }
        long running = exp.ask().id();
        assertThat(client.trial(running).feasibility()).as("not finished: nothing to judge").isNull();
        ExperimentHandle free = client.experiment("free");
        long plain = free.ask().id();
        RawHttp.Reply told = post("/api/trials/" + plain + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}");
        assertThat(told.json()).as("without constraints").doesNotContainKey("feasibility");
    }

    @Test
    void aConstrainedMetricToldInRepetitionsCountsByItsMean() {
        client.launch(ExperimentSpec.builder("sized").minimize("loss").param("x", FloatParam.of(0, 1))
                .constraints(Constraint.atMost("size_mb", 50)).build());
        ExperimentHandle exp = client.experiment("sized");
        TrialProposal p = exp.ask();
        exp.tell(p.id(), TrialResult.ofRepetitions(List.of(Repetition.of(Map.of("loss", 0.2, "size_mb", 40.0)),
                Repetition.of(Map.of("loss", 0.3, "size_mb", 70.0)))));
        Trial t = exp.leaderboard(1).getFirst();
        assertThat(t.values()).containsEntry("size_mb", 55.0);
        assertThat(t.rank().feasible()).isFalse();
        assertThat(t.rank().violation()).isEqualTo(5.0);
    }

    @Test
    void theFinalizationRefitsTheBestFeasibleTrialAndSaysSoWhenNoneIsFeasible() throws Exception {
        // best_epoch, measured over the folds, stands in for any constrained metric a worker reports.
        for (int max : new int[]{6, 2}) {
            String name = "held-out-" + max;
            assertThat(post("/api/experiments", ApiServerTest.HELD_OUT.replace("name: held-out", "name: " + name)
                    + "constraints: [{metric: best_epoch, max: " + max + "}]\n", "application/yaml")
                    .status()).isEqualTo(201);
            ExperimentHandle exp = client.experiment(name);
            long feasible = exp.ask().id();
            assertThat(post("/api/trials/" + feasible + "/result", ApiServerTest.folds(0.90, 0.92, 0.91, 4)).status()).isEqualTo(200);
            long better = exp.ask().id();
            assertThat(post("/api/trials/" + better + "/result", ApiServerTest.folds(0.95, 0.97, 0.96, 7)).status()).isEqualTo(200);

            Map<String, Object> f = raw.send("GET", "/api/experiments/" + name + "/finalization",
                    Map.of("Authorization", "Bearer " + token), (byte[]) null).json();
            if (max == 6) {
                assertThat(f).containsEntry("trialId", (int) feasible).doesNotContainKey("note");
            } else {
                assertThat(f).containsEntry("trialId", (int) feasible).containsEntry("note", "no trial keeps the experiment's "
                        + "constraints; trial #0 breaks them least (best_epoch 5.0 above max 2.0)");
            }
        }
    }

    @Test
    void theParetoFrontHoldsOnlyFeasibleTrials() {
        client.launch(ExperimentSpec.builder("front").objectives(io.tunelab.api.Objective.minimize("loss"), io.tunelab.api.Objective.minimize("cost"))
                .param("x", FloatParam.of(0, 1)).constraints(Constraint.atMost("latency_ms", 20)).build());
        ExperimentHandle exp = client.experiment("front");
        long[] ids = new long[3];
        double[][] rows = {{0.1, 0.1, 50}, {0.2, 0.5, 10}, {0.5, 0.2, 15}};  // #0 dominates both, but is too slow
        for (int i = 0; i < rows.length; i++) {
            ids[i] = exp.ask().id();
            exp.tell(ids[i], Map.of("loss", rows[i][0], "cost", rows[i][1], "latency_ms", rows[i][2]));
        }
        assertThat(client.pareto("front")).extracting(Trial::id).containsExactlyInAnyOrder(ids[1], ids[2]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{\"max\": 1}]                                        | constraints[0].metric is required",
            "[{\"metric\": \"a\"}]                                 | constraints[0] (metric \"a\") needs min, max or both",
            "[{\"metric\": \"a\", \"min\": 2, \"max\": 1}]         | constraints[0].min (2.0) must not exceed constraints[0].max (1.0)",
            "[{\"metric\": \"loss\", \"max\": 1}]                  | constraints[0].metric \"loss\" is an objective",
            "[{\"metric\": \"a\", \"max\": 1}, {\"metric\": \"a\", \"min\": 0}] | constraints[1].metric \"a\" is constrained twice",
            "[{\"metric\": \"a\", \"max\": NaN}]                   | constraints[0].max must be a finite number",
    })
    void badConstraintsAreRefusedNamingTheFieldAndNothingIsCreated(String constraints, String message) throws Exception {
        RawHttp.Reply r = post("/api/experiments", "{\"name\": \"bad\", \"objective\": {\"metric\": \"loss\"}, \"constraints\": "
                + constraints + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("code")).isEqualTo(ErrorCode.INVALID_SPEC.name());
        assertThat((String) r.json().get("message")).contains(message);
        assertThat(client.experiments()).isEmpty();
    }

    private long tell(ExperimentHandle exp, double loss, Double latency, double size) {
        TrialProposal p = exp.ask();
        var values = new java.util.HashMap<String, Double>(Map.of("loss", loss, "size_mb", size));
        if (latency != null) {
            values.put("latency_ms", latency);
        }
        exp.tell(p.id(), values);
        return p.id();
    }

    private RawHttp.Reply post(String path, String body) throws Exception {
        return post(path, body, "application/json");
    }

    private RawHttp.Reply post(String path, String body, String type) throws Exception {
        return raw.send("POST", path, Map.of("Authorization", "Bearer " + token, "Content-Type", type),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
