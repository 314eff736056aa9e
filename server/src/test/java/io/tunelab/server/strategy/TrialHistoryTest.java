package io.tunelab.server.strategy;

import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history's snapshots share chunks yet never change: checked against a plain list under random changes. */
class TrialHistoryTest {
    private static Trial trial(int number, double value) {
        return InProcessExperiment.trial(number, Map.of("x", value), TrialState.COMPLETE, Map.of("loss", value));
    }

    @Test
    void everySnapshotKeepsWhatTheHistoryHeldWhenItWasTakenWhateverChangesAfter() {
        var rng = new SplittableRandom(11);
        var history = new TrialHistory();
        var model = new ArrayList<Trial>();
        var snapshots = new ArrayList<List<Trial>>();
        var expected = new ArrayList<List<Trial>>();
        for (int step = 0; step < 3_000; step++) {
            int op = rng.nextInt(10);
            if (op < 5 || model.isEmpty()) { // insert, mostly near the end as the experiment does
                int at = Math.max(0, model.size() - rng.nextInt(3));
                var t = trial(step, rng.nextDouble());
                history.add(at, t);
                model.add(at, t);
            } else if (op < 9) {
                int at = rng.nextInt(model.size());
                var t = trial(step, rng.nextDouble());
                history.set(at, t);
                model.set(at, t);
            } else {
                snapshots.add(history.snapshot());
                expected.add(List.copyOf(model));
            }
            assertThat(history.size()).isEqualTo(model.size());
        }
        assertThat(history.snapshot()).containsExactlyElementsOf(model);
        for (int i = 0; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i)).as("snapshot %d", i).containsExactlyElementsOf(expected.get(i));
        }
        assertThat(model.size()).as("crosses many chunks").isGreaterThan(4 * TrialHistory.CHUNK);
    }

    @Test
    void withReplacesOneTrialInANewSnapshotAndLeavesTheOriginalAsItWas() {
        var history = new TrialHistory();
        for (int n = 0; n < 600; n++) {
            history.add(n, trial(n, n));
        }
        var before = history.snapshot();
        var told = trial(300, -1);

        var after = before.with(told);

        assertThat(after.get(300)).isSameAs(told);
        assertThat(before.get(300).value("loss")).isEqualTo(300.0);
        assertThat(after).hasSize(600);
        for (int n = 0; n < 600; n++) {
            if (n != 300) {
                assertThat(after.get(n)).isSameAs(before.get(n));
            }
        }
        assertThat(before.with(trial(10_000, 0))).as("no trial with that id").isSameAs(before);
    }

    @Test
    void plusAppendsToANewSnapshotAndNeitherTheOriginalNorTheHistoryChanges() {
        for (int size : new int[]{0, 255, 256, 600}) {
            var history = new TrialHistory();
            for (int n = 0; n < size; n++) {
                history.add(n, trial(n, n));
            }
            var before = history.snapshot();
            var more = List.of(trial(size, -1), trial(size + 1, -2));

            var after = before.plus(more);
            history.add(size, trial(size, 7)); // the history goes on in the chunk the new snapshot copied

            assertThat(after).as("%d trials plus two", size).hasSize(size + 2);
            assertThat(after.subList(size, size + 2)).containsExactlyElementsOf(more);
            assertThat(after.subList(0, size)).containsExactlyElementsOf(before);
            assertThat(before).hasSize(size);
            assertThat(history.snapshot().get(size).value("loss")).isEqualTo(7.0);
        }
    }

    @Test
    void aSnapshotIsReadOnlyAndProposalContextsKeepItWithoutACopy() {
        var history = new TrialHistory();
        history.add(0, trial(0, 1));
        var snapshot = history.snapshot();
        assertThatThrownBy(() -> snapshot.set(0, trial(1, 2))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> history.set(1, trial(1, 2))).isInstanceOf(IndexOutOfBoundsException.class);
        var context = new ProposalContext(io.tunelab.api.SearchSpace.builder().build(), List.of(), 1, 1, snapshot);
        assertThat(context.history()).isSameAs(snapshot);
    }
}
