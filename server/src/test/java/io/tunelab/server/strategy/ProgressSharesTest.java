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

    /**
     * A history whose trials of member {@code improving} (in the owners the history itself gives)
     * always improve, each by more than the one before (so each gain is a sizeable share of the
     * gap between the median and the best), the others' never do.
     */
    private static List<Trial> history(int n, int improving) {
        return history(n, improving, 2);
    }

    private static List<Trial> history(int n, int improving, int members) {
        var history = new ArrayList<Trial>();
        double best = 100;
        for (int k = 0; k < n; k++) {
            int owner = ProgressShares.owner(history, k, members, LOSS);
            double value = owner == improving ? (best -= Math.pow(1.5, k)) : 1000 + k;
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
    void among_three_members_the_one_that_improves_gets_most_trials_and_each_other_keeps_its_floor() {
        for (int improving = 0; improving < 3; improving++) {
            int[] owners = ProgressShares.owners(history(300, improving, 3), 299, 3, LOSS);
            long[] counts = new long[3];
            Arrays.stream(owners).forEach(o -> counts[o]++);
            assertThat(counts[improving]).as("member %d improves", improving).isGreaterThan(150);
            for (int m = 0; m < 3; m++) {
                assertThat(counts[m]).isGreaterThanOrEqualTo((long) (ProgressShares.FLOOR / 3 * 300) - 2);
            }
        }
    }

    @Test
    void the_progress_of_an_earlier_phase_fades_so_a_member_that_improves_later_takes_over() {
        var history = new ArrayList<Trial>();
        double best = 100;
        for (int k = 0; k < 400; k++) {
            int owner = ProgressShares.owner(history, k, 3, LOSS);
            boolean improves = k < 150 ? owner == 0 : owner == 2;
            double value = improves ? (best -= Math.pow(1.5, k)) : 1000 + k;
            history.add(InProcessExperiment.trial(k, Map.of("x", (double) k), TrialState.COMPLETE, Map.of("loss", value)));
        }
        int[] owners = ProgressShares.owners(history, 399, 3, LOSS);
        long early = Arrays.stream(owners, 50, 150).filter(o -> o == 0).count();
        long late = Arrays.stream(owners, 300, 400).filter(o -> o == 2).count();
        assertThat(early).isGreaterThan(50);
        assertThat(late).isGreaterThan(50);
    }

    @Test
    void a_gain_is_the_improvement_in_units_of_the_gap_between_the_median_and_the_best_at_most_one() {
        assertThat(ProgressShares.gain(10, 8, 20)).isEqualTo(0.2);
        assertThat(ProgressShares.gain(10, -50, 20)).isEqualTo(1);
        assertThat(ProgressShares.gain(10, 9.999, 20)).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ProgressShares.gain(10, 9, 10)).as("every earlier value equal").isEqualTo(1);
        // the same for the objective shifted and scaled
        assertThat(ProgressShares.gain(1000 * 10 - 7, 1000 * 8 - 7, 1000 * 20 - 7)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void a_member_that_only_polishes_the_best_earns_less_than_one_that_jumps() {
        for (int polisher = 0; polisher < 2; polisher++) {
            var history = new ArrayList<Trial>();
            double best = 100;
            int jumps = 0;
            for (int k = 0; k < 200; k++) {
                int owner = ProgressShares.owner(history, k, 2, LOSS);
                // the polisher improves the best by 1e-6 on each of its trials; the jumper on every
                // fourth of its own trials by a tenth of the best's distance below 100, plus 1
                double value = owner == polisher ? (best -= 1e-6)
                        : jumps++ % 4 == 0 ? (best -= 0.1 * (100 - best) + 1) : 1000 + k;
                history.add(InProcessExperiment.trial(k, Map.of("x", (double) k), TrialState.COMPLETE, Map.of("loss", value)));
            }
            int[] owners = ProgressShares.owners(history, 199, 2, LOSS);
            long polished = Arrays.stream(owners).filter(o -> o == 0).count();
            long mine = polisher == 0 ? polished : owners.length - polished;
            assertThat(mine).as("trials of the polisher").isLessThan(90);
        }
    }

    @Test
    void the_median_of_the_values_so_far_is_the_middle_one_or_the_lower_middle_one() {
        var median = new RunningMedian();
        assertThat(median.median()).isNaN();
        double[] values = {5, 1, 9, 3, 7, 3, 100};
        double[] expected = {5, 1, 5, 3, 5, 3, 5};
        for (int i = 0; i < values.length; i++) {
            median.add(values[i]);
            assertThat(median.median()).as("after %d values", i + 1).isEqualTo(expected[i]);
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
