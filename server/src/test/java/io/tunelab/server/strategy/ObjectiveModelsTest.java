package io.tunelab.server.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectiveModelsTest {
    /** Two quadratic objectives over the unit square: f1 = x0, f2 = 1 − x0 + 4(x1 − 0.5)². */
    private static double[] losses(double[] x) {
        return new double[]{x[0], 1 - x[0] + 4 * (x[1] - 0.5) * (x[1] - 0.5)};
    }

    /** The models fitted to 40 random points, judged against the front at x0 = 0.2, 0.5, 0.8. */
    private static ObjectiveModels models() {
        var rng = new SplittableRandom(7);
        var points = new ArrayList<double[]>();
        var losses = new ArrayList<double[]>();
        for (int k = 0; k < 40; k++) {
            double[] x = {rng.nextDouble(), rng.nextDouble()};
            points.add(x);
            losses.add(losses(x));
        }
        var reference = List.of(losses(new double[]{0.2, 0.5}), losses(new double[]{0.5, 0.5}), losses(new double[]{0.8, 0.5}));
        return ObjectiveModels.fit(points, losses, reference);
    }

    @Test
    void theConfigurationPredictedToBeDominatedByFewestReferenceTrialsIsChosen() {
        // (0.35, 0.9) is predicted at (0.35, 1.29), which (0.2, 0.8) dominates; (0.35, 0.5) at (0.35, 0.65), which none does.
        assertThat(models().best(List.of(new double[]{0.35, 0.9}, new double[]{0.35, 0.5}))).isEqualTo(1);
        assertThat(models().best(List.of(new double[]{0.35, 0.5}, new double[]{0.35, 0.9}))).isEqualTo(0);
    }

    @Test
    void amongTheUndominatedTheOneFarthestFromTheReferenceSetIsChosen() {
        // (0.35, 0.65) lies between two reference trials; (0, 1), the front's end, farther from all three.
        assertThat(models().best(List.of(new double[]{0.35, 0.5}, new double[]{0.0, 0.5}))).isEqualTo(1);
    }

    @Test
    void noModelsWithoutEnoughPointsForTheDiagonalQuadraticOrWithoutAReferenceSet() {
        var points = List.of(new double[]{0.1, 0.2}, new double[]{0.4, 0.9}, new double[]{0.7, 0.3});
        var losses = points.stream().map(ObjectiveModelsTest::losses).toList();
        assertThat(ObjectiveModels.fit(points, losses, losses)).isNull();
        assertThat(ObjectiveModels.fit(List.of(), List.of(), List.of())).isNull();
    }

    @Test
    void tpesModelsAreOffWhileARecentTrialBreaksAConstraintAndJudgeAgainstFeasibleCompleteTrialsOnly() {
        // Complete trials with x1 in [0.8, 1]: every one has f2 ≥ 1.36 − f1, none dominates (0.35, 1.01)
        // nor (1, 0), the predictions at a = (0.35, 0.8), inside their cloud, and b = (1, 0.5), far from it.
        var rng = new SplittableRandom(3);
        var observations = new ArrayList<Observation>();
        for (int k = 0; k < 30; k++) {
            double[] x = {rng.nextDouble(), 0.8 + 0.2 * rng.nextDouble()};
            observations.add(new Observation(null, x, losses(x), Observation.COMPLETE, 0));
        }
        var candidates = List.of(new double[]{0.35, 0.8}, new double[]{1, 0.5});
        assertThat(ObjectiveModels.ofTrials(observations).best(candidates)).isEqualTo(1);
        var constrained = new ArrayList<>(observations);
        constrained.add(new Observation(null, new double[]{0.5, 0.5}, new double[]{0.5, 0.5}, Observation.CONSTRAINED, 0, 1.0));
        assertThat(ObjectiveModels.ofTrials(constrained)).as("a constrained trial among the recent ones").isNull();
        // A pruned trial at (0.9, −1) would dominate b's prediction and turn the choice to a, were it judged against.
        var pruned = new ArrayList<>(observations);
        pruned.add(new Observation(null, new double[]{0.9, 0.5}, new double[]{0.9, -1}, Observation.PRUNED, 3));
        assertThat(ObjectiveModels.ofTrials(pruned).best(candidates)).isEqualTo(1);
        var reference = observations.stream().map(Observation::losses).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        var points = observations.stream().map(Observation::point).toList();
        var losses = observations.stream().map(Observation::losses).toList();
        reference.add(new double[]{0.9, -1});
        assertThat(ObjectiveModels.fit(points, losses, reference).best(candidates)).as("the same with it as reference").isEqualTo(0);
    }

    @Test
    void anInactiveCoordinateIsModelledAtTheMiddleOfItsRange() {
        assertThat(ObjectiveModels.filled(new double[]{0.2, Double.NaN})).containsExactly(0.2, 0.5);
    }
}
