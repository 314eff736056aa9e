package io.tunelab.server.experiment;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.testing.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A view kept current trial by trial equals the view built from scratch, for every query. */
class TrialViewsTest {
    static final Objective LOSS = Objective.minimize("loss");

    static Trial trial(int number, TrialState state, Double loss, double x) {
        return new Trial(number + 100, 1, number, Map.of("x", x), state, loss == null ? Map.of() : Map.of("loss", loss),
                null, null, null, Instant.EPOCH, Instant.EPOCH, state.isFinished() ? Instant.EPOCH.plusSeconds(number % 7) : null,
                null, null, null, null);
    }

    static Stream<Arguments> seeds() {
        return Cases.of(60, draw -> Arguments.of(draw.intIn(0, 10_000)));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void incrementalViewsMatchAFreshSort(int seed) {
        var rng = new Random(seed);
        var sorts = List.of("number", "state", "value", "duration", "param:x", "metric:loss");
        var queries = new ArrayList<TrialQuery>();
        for (String sort : sorts) {
            queries.add(new TrialQuery(0, 100, sort, rng.nextBoolean(), rng.nextBoolean() ? null : TrialState.COMPLETE));
        }
        var trials = new ArrayList<Trial>();
        var views = new ArrayList<TrialViews.View>();
        for (TrialQuery q : queries) {
            views.add(new TrialViews.View(trials, q, LOSS));
        }
        for (int step = 0; step < 120; step++) {
            if (trials.isEmpty() || rng.nextInt(3) > 0) {
                Trial t = trial(trials.size(), TrialState.RUNNING, null, rng.nextInt(5) / 4.0);
                trials.add(t);
                views.forEach(v -> v.update(null, t));
            } else {
                int i = rng.nextInt(trials.size());
                Trial before = trials.get(i);
                Trial after = trial(before.number(), rng.nextBoolean() ? TrialState.COMPLETE : TrialState.PRUNED,
                        rng.nextInt(4) == 0 ? null : (double) rng.nextInt(10), (Double) before.params().get("x"));
                trials.set(i, after);
                views.forEach(v -> v.update(before, after));
            }
        }
        for (int q = 0; q < queries.size(); q++) {
            var fresh = new TrialViews.View(trials, queries.get(q), LOSS);
            assertThat(views.get(q).page(0, 1000)).as(queries.get(q).toString()).isEqualTo(fresh.page(0, 1000));
        }
    }

    @Test
    void aCategoricalParamWithMixedChoiceTypesSortsNumbersThenBooleansThenStrings() {
        List<Object> choices = List.of("b", 2.5, true, 1, "a", false);
        var trials = new ArrayList<Trial>();
        var query = new TrialQuery(0, 100, "param:c", false, null);
        var kept = new TrialViews.View(trials, query, LOSS);
        for (int i = 0; i < choices.size(); i++) {
            Trial t = new Trial(i + 100, 1, i, Map.of("c", choices.get(i)), TrialState.RUNNING, null, null, null, null,
                    Instant.EPOCH, Instant.EPOCH, null, null, null, null, null);
            trials.add(t);
            kept.update(null, t);
        }
        var fresh = new TrialViews.View(trials, query, LOSS);
        List<Object> expected = List.of(1, 2.5, false, true, "a", "b");
        assertThat(fresh.page(0, 100)).extracting(t -> t.params().get("c")).containsExactlyElementsOf(expected);
        assertThat(kept.page(0, 100)).isEqualTo(fresh.page(0, 100));
        var descending = new TrialViews.View(trials, new TrialQuery(0, 100, "param:c", true, null), LOSS);
        assertThat(descending.page(0, 100)).extracting(t -> t.params().get("c")).containsExactlyElementsOf(expected.reversed());
    }

    @Test
    void sortedByValueUnderConstraintsTheFeasibleTrialsComeFirstInEitherOrder() {
        var constraints = List.of(io.tunelab.api.Constraint.atMost("latency", 10));
        double[][] rows = {{0.1, 30}, {0.5, 5}, {0.3, 12}, {0.2, 8}};
        var trials = new ArrayList<Trial>();
        for (int i = 0; i < rows.length; i++) {
            trials.add(new Trial(i + 1, 1, i, Map.of("x", i), TrialState.COMPLETE, Map.of("loss", rows[i][0], "latency", rows[i][1]),
                    null, null, null, Instant.EPOCH, Instant.EPOCH, null, null, null, null, null));
        }
        var ascending = new TrialViews.View(trials, new TrialQuery(0, 100, "value", false, null), LOSS, constraints);
        assertThat(ascending.page(0, 100)).extracting(Trial::number).containsExactly(3, 1, 2, 0);
        var descending = new TrialViews.View(trials, new TrialQuery(0, 100, "value", true, null), LOSS, constraints);
        assertThat(descending.page(0, 100)).extracting(Trial::number).containsExactly(1, 3, 2, 0);
        var byNumber = new TrialViews.View(trials, new TrialQuery(0, 100, "number", false, null), LOSS, constraints);
        assertThat(byNumber.page(0, 100)).extracting(Trial::number).containsExactly(0, 1, 2, 3);
    }
}
