package io.tunelab.server;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK against a real server on a real port: the optimize loop, define-by-run, typed errors, pause/resume. */
class SdkAgainstServerTest {
    @RegisterExtension
    final TestServer server = new TestServer();
    TunelabClient client;

    @BeforeEach
    void connect() {
        client = server.client();
    }

    static ExperimentSpec.Builder quickstart(String name) {
        return ExperimentSpec.builder(name).minimize("loss")
                .param("lr", FloatParam.log(1e-4, 1e-1))
                .param("layers", IntParam.of(1, 4))
                .param("optimizer", CategoricalParam.of("adam", "sgd"))
                .param("momentum", FloatParam.of(0, 0.99).withWhen(Condition.of("optimizer", "sgd")))
                .strategy(new StrategySpec("random", 7L, Map.of()));
    }

    @Test
    void optimizeRunsTheBudgetOnSeveralThreadsAndRecordsFailuresAndDefineByRunParams() {
        ExperimentHandle exp = client.launch(quickstart("opt").trials(24).build());
        int finished = exp.optimize(trial -> {
            int batch = trial.suggestInt("batch", 16, 256, true);
            assertThat(trial.suggestInt("batch", 16, 256, true)).isEqualTo(batch);
            if (trial.number() == 3) {
                throw new IllegalStateException("diverged");
            }
            double lr = trial.floatParam("lr");
            if (trial.stringParam("optimizer").equals("sgd")) {
                assertThat(trial.params()).containsKey("momentum");
            } else {
                assertThat(trial.params()).doesNotContainKey("momentum");
            }
            return Math.abs(Math.log10(lr) + 2.5) + batch / 1000.0;
        }, 30, 4);
        assertThat(finished).isEqualTo(24);
        var e = exp.awaitCompletion(Duration.ofSeconds(10));
        assertThat(e.state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(e.spec().space().names()).contains("batch");
        List<Trial> trials = exp.trials();
        assertThat(trials).hasSize(24);
        Trial failed = trials.stream().filter(t -> t.number() == 3).findFirst().orElseThrow();
        assertThat(failed.state()).isEqualTo(TrialState.FAILED);
        assertThat(failed.error()).contains("diverged");
        assertThat(trials).allSatisfy(t -> assertThat(t.params()).containsKey("batch"));
        List<Trial> board = exp.leaderboard(3);
        assertThat(board).hasSize(3);
        assertThat(board.get(0).value("loss")).isLessThanOrEqualTo(board.get(1).value("loss"));
    }

    @Test
    void typedExceptionsCarryTheServersCode() {
        ExperimentHandle exp = client.launch(quickstart("typed").budget(new Budget(2, 1, null)).build());
        assertThatThrownBy(() -> client.launch(quickstart("typed").build())).isInstanceOf(TunelabException.DuplicateName.class);
        assertThatThrownBy(() -> client.experiment("missing")).isInstanceOf(TunelabException.NotFound.class)
                .hasMessageContaining("missing");
        TrialProposal t = exp.ask();
        assertThatThrownBy(exp::ask).isInstanceOf(TunelabException.ParallelLimit.class);
        assertThatThrownBy(() -> exp.tell(t.id(), Double.NaN)).isInstanceOf(TunelabException.InvalidValue.class);
        exp.tell(t.id(), 1.0);
        assertThatThrownBy(() -> exp.tell(t.id(), 0.5)).isInstanceOf(TunelabException.TrialFinished.class);
        exp.tell(exp.ask().id(), 2.0);
        assertThatThrownBy(exp::ask).isInstanceOf(TunelabException.ExperimentNotRunning.class);
        assertThatThrownBy(() -> TunelabClient.connect("http://127.0.0.1:1").experiments())
                .isInstanceOf(TunelabException.Unavailable.class).hasMessageContaining("cannot reach");
        assertThatThrownBy(() -> TunelabClient.connect("not a url")).isInstanceOf(TunelabException.InvalidArgument.class);
        assertThatThrownBy(() -> TunelabClient.connect(server.url().replace("http://", "https://")).experiments())
                .isInstanceOf(TunelabException.Unavailable.class).hasMessageContaining("could not speak TLS with https://")
                .hasMessageContaining("a server started without --tls-cert speaks http://");
    }

    @Test
    void aResultToldAgainUnderItsRequestIdIsAnsweredAsTheFirstAndUnderAnotherRefused() {
        ExperimentHandle exp = client.launch(quickstart("told-again").budget(Budget.trials(3)).build());
        TrialProposal t = exp.ask();
        var result = io.tunelab.api.TrialResult.complete(Map.of("loss", 0.25));

        client.result(t.id(), result, "worker-tell-1");
        client.result(t.id(), result, "worker-tell-1");

        assertThatThrownBy(() -> client.result(t.id(), result, "worker-tell-2")).isInstanceOf(TunelabException.TrialFinished.class)
                .hasMessageContaining("\"worker-tell-2\" has no stored answer");
        assertThatThrownBy(() -> client.result(t.id(), result, "not an id")).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("request id \"not an id\"").hasMessageContaining("letters, digits or . _ : -");
        assertThat(exp.trials()).singleElement().satisfies(trial -> assertThat(trial.values()).containsEntry("loss", 0.25));
    }

    @Test
    void pauseStopAndResumeWithMoreTrials() {
        ExperimentHandle exp = client.launch(quickstart("lifecycle").trials(3).build());
        exp.pause();
        assertThatThrownBy(exp::ask).isInstanceOf(TunelabException.ExperimentNotRunning.class).hasMessageContaining("resume");
        exp.resume();
        exp.optimize(trial -> 1.0, 10, 1);
        assertThat(exp.info().state()).isEqualTo(ExperimentState.COMPLETED);
        assertThatThrownBy(() -> exp.resume(Integer.MAX_VALUE)).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessage("resume takes 1 to 2147483644 more trials (the budget is 3 of at most 2147483647), got 2147483647");
        assertThatThrownBy(() -> exp.resume(0)).hasMessageContaining("got 0");
        assertThat(exp.info().state()).as("unchanged").isEqualTo(ExperimentState.COMPLETED);
        exp.resume(2);
        assertThat(exp.info().spec().budget().trials()).isEqualTo(5);
        assertThat(exp.optimize(trial -> 0.5, 10, 2)).isEqualTo(2);
        exp.stop();
        assertThat(exp.info().state()).as("a completed experiment has nothing to stop, and stays completed")
                .isEqualTo(ExperimentState.COMPLETED);
        exp.resume(1);
        exp.stop();
        assertThat(exp.info().state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(exp.trials()).extracting(Trial::number).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void prunedTrialsAreToldWithTheirLastReport() {
        ExperimentHandle exp = client.launch(quickstart("pruning").trials(1).pruner(PrunerSpec.none()).build());
        exp.optimize(trial -> {
            trial.report(1, 0.9);
            throw trial.pruned();
        }, 1, 1);
        Trial t = exp.trials().getFirst();
        assertThat(t.state()).isEqualTo(TrialState.PRUNED);
        assertThat(t.value("loss")).isEqualTo(0.9);
        assertThat(client.trial(t.id()).reports()).hasSize(1);
    }
}
