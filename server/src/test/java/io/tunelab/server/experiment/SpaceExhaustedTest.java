package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.IntParam;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A discrete space smaller than the budget: once the strategy has proposed every configuration,
 * the experiment completes when its last trial ends (a grid search ends its study so), rather
 * than staying RUNNING with nothing to hand out while `tunelab sweep run` and workers wait for it.
 */
class SpaceExhaustedTest extends CoordinatorOnH2Files {
    private static final String EXHAUSTED = "every configuration of the discrete space has been proposed; widen the space to go on";

    private void create(String name, Map<String, Object> task) {
        var spec = ExperimentSpec.builder(name).minimize("loss").param("n", IntParam.of(1, 3)).trials(10)
                .strategy(new StrategySpec("random", 7L, Map.of()));
        coordinator.experiments().create((task == null ? spec : spec.task(task)).build());
    }

    private void tell(long trialId, String leaseId) {
        coordinator.experiments().tellLater(trialId, new TrialResult(io.tunelab.api.TrialState.COMPLETE, Map.of("loss", 1.0), null,
                null, leaseId, null), "t", (String) null, ForkJoinPool.commonPool()).join();
    }

    @Test
    void anAskAfterEveryConfigurationIsRefusedOnceAndTheExperimentCompletesWhenItsLastTrialEnds() {
        create("small", null);
        var running = new ArrayList<TrialProposal>();
        for (int i = 0; i < 3; i++) {
            running.add(coordinator.experiments().ask("small"));
        }
        assertThatThrownBy(() -> coordinator.experiments().ask("small")).isInstanceOfSatisfying(TunelabException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED);
            assertThat(e.getMessage()).isEqualTo(EXHAUSTED);
        });
        assertThat(coordinator.queries().experiment("small").state()).as("3 trials still run").isEqualTo(ExperimentState.RUNNING);

        for (TrialProposal t : running) {
            tell(t.id(), null);
        }
        assertThat(coordinator.queries().experiment("small").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(coordinator.queries().experiment("small").summary().trials()).containsEntry(io.tunelab.api.TrialState.COMPLETE, 3);
    }

    @Test
    void workersLeasingATaskThatRanOutOfConfigurationsGetNoTrialAndTheExperimentCompletes() {
        create("small-task", Map.of("dataset", Map.of("name", "iris")));
        var request = new LeaseRequest("w:1", List.of("dl4j"), 0);
        for (int i = 0; i < 3; i++) {
            var lease = coordinator.leases().lease(request).orElseThrow();
            tell(lease.trial().id(), lease.leaseId());
        }
        assertThatThrownBy(() -> coordinator.leases().lease(request)).isInstanceOf(TunelabException.class).hasMessage(EXHAUSTED);
        assertThat(coordinator.queries().experiment("small-task").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(coordinator.leases().lease(request)).as("no more trials, and no more errors").isEmpty();
    }
}
