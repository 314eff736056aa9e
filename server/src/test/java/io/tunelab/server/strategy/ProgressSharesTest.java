package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressSharesTest {
    private static final Objective LOSS = Objective.minimize("loss");

    /** A history whose trials of member 0 (in the owners the history itself gives) always improve, member 1's never do. */
    private static List<Trial> history(int n, int improving) {
        var history = new ArrayList<Trial>();
        double best = 100;
        for (int k = 0; k < n; k++) {
            int owner = ProgressShares.owner(history, k, 2, LOSS);
            double value = owner == improving ? (best -= 1) : 1000 + k;
            history.add(InProcessExperiment.trial(k, Map.of("x", (double) k), TrialState.COMPLETE, Map.of("loss", value)));
        }
        return history;
    }

    @Test
    void the_member_that_keeps_improving_gets_most_trials_and_the_other_keeps_its_floor() {
        for (int improving = 0; improving < 2; improving++) {
            int[] owners = ProgressShares.owners(history(200, improving), 199, 2, LOSS);
            long mine = Arrays.stream(owners).filter(o -> o == 0).count();
            long theirs = owners.length - mine;
            long winner = improving == 0 ? mine : theirs;
            long loser = owners.length - winner;
            assertThat(winner).isGreaterThan(130);
            assertThat(loser).isGreaterThanOrEqualTo((long) (ProgressShares.FLOOR / 2 * 200) - 2);
        }
    }

    @Test
    void without_any_progress_the_members_take_turns() {
        var history = new ArrayList<Trial>();
        for (int k = 0; k < 40; k++) {
            history.add(InProcessExperiment.trial(k, Map.of("x", (double) k), TrialState.COMPLETE, Map.of("loss", 5.0)));
        }
        int[] owners = ProgressShares.owners(history, 39, 2, LOSS);
        for (int k = 0; k < 40; k++) {
            assertThat(owners[k]).isEqualTo(k % 2);
        }
    }

    @Test
    void the_owners_are_a_function_of_the_history_so_a_resumed_experiment_goes_on_with_the_same_ones() {
        var full = history(120, 1);
        int[] before = ProgressShares.owners(full.subList(0, 60), 60, 2, LOSS);
        int[] after = ProgressShares.owners(full, 119, 2, LOSS);
        assertThat(Arrays.copyOf(after, 61)).containsExactly(before);
        assertThat(ProgressShares.owners(List.copyOf(full), 119, 2, LOSS)).containsExactly(after);
    }

    @Test
    void auto_proposes_the_same_trials_when_restarted_from_its_history() {
        var space = SearchSpace.builder().add("x", FloatParam.of(-5, 5)).add("y", FloatParam.of(-5, 5)).build();
        var spec = StrategySpec.of("auto");
        var first = Strategies.create(spec, space, List.of(LOSS), 11);
        var history = new ArrayList<Trial>();
        for (int k = 0; k < 60; k++) {
            var params = first.propose(new ProposalContext(space, List.of(LOSS), 11, k, history));
            double x = ((Number) params.get("x")).doubleValue();
            double y = ((Number) params.get("y")).doubleValue();
            history.add(InProcessExperiment.trial(k, params, TrialState.COMPLETE, Map.of("loss", x * x + 10 * y * y)));
        }
        var restarted = Strategies.create(spec, space, List.of(LOSS), 11);
        var context = new ProposalContext(space, List.of(LOSS), 11, 60, history);
        assertThat(restarted.propose(context)).isEqualTo(first.propose(context));
    }
}
