package io.tunelab.server.strategy;

import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The estimator against Optuna 3.1's {@code _ParzenEstimator} with TPESampler's defaults
 * (prior weight 1, magic clip, no endpoints, default weights): each expected value below is
 * what {@code log_pdf} returned for the same observations (python3-optuna 3.1.0, numpy 1.24).
 */
class ParzenEstimatorTest {

    static ParzenEstimator fitted(double... xs) {
        return new ParzenEstimator(xs, TpeSearch.weights(xs.length), 1.0);
    }

    @Test
    void aContinuousPointIsScoredAsOptuna31DoesWithoutEachKernels1OverSigma() {
        // FloatDistribution(0, 1), observations 0.1, 0.4, 0.45, 0.9
        var pe = fitted(0.1, 0.4, 0.45, 0.9);
        double[] at = {0.0, 0.3, 0.42, 0.95};
        double[] optuna = {-1.039096429307575, -0.7162938250113307, -0.6647892453648587, -1.0693164993251207};
        for (int k = 0; k < at.length; k++) {
            assertThat(pe.logDensity(at[k])).as("x = %s", at[k]).isCloseTo(optuna[k], offset(1e-12));
        }
    }

    @Test
    void tiedObservationsTakeConsecutiveSortedPositionsAsInOptuna() {
        // Three observations at 0.5 beside the prior's 0.5: only the outer ones of the run see a gap.
        var pe = fitted(0.2, 0.5, 0.5, 0.5);
        double[] at = {0.2, 0.5, 0.8};
        double[] optuna = {-0.937360211575283, -0.6507210629908459, -1.2076754504504845};
        for (int k = 0; k < at.length; k++) {
            assertThat(pe.logDensity(at[k])).as("x = %s", at[k]).isCloseTo(optuna[k], offset(1e-12));
        }
    }

    @Test
    void anIntIsScoredByTheMassOfItsCell() {
        // IntDistribution(1, 8), observations 3, 3, 4, 7: value v is the cell [(v − 1)/8, v/8].
        var pe = fitted(2.5 / 8, 2.5 / 8, 3.5 / 8, 6.5 / 8);
        int[] at = {1, 3, 5, 8};
        double[] optuna = {-2.6218300225583397, -1.5919362859665374, -1.9367531160851608, -2.729884484563541};
        for (int k = 0; k < at.length; k++) {
            assertThat(pe.logMass((at[k] - 1) / 8.0, at[k] / 8.0)).as("v = %s", at[k]).isCloseTo(optuna[k], offset(1e-6));
        }
    }

    @Test
    void theMassOfTheWholeIntervalIsOneAndOfACellFarFromTheKernelsFiniteAndSmaller() {
        var pe = fitted(0.1, 0.2);
        assertThat(pe.logMass(0, 1)).isCloseTo(0, offset(1e-9));
        // 200 kernels at 0 and no prior: all but the last of the run are 0.01 wide.
        double[] zeros = new double[200];
        double[] ones = new double[200];
        Arrays.fill(ones, 1.0);
        var sharp = new ParzenEstimator(zeros, ones, 0.0);
        assertThat(sharp.logMass(0.99, 1.0)).isFinite().isLessThan(sharp.logMass(0.5, 0.51));
    }

    @Test
    void gaussMassAgreesWithErfOnNarrowAndWideIntervalsAndInBothTails() {
        assertThat(ParzenEstimator.gaussMass(-1, 1)).isCloseTo(0.6826894921370859, offset(1e-12));
        assertThat(ParzenEstimator.gaussMass(0.1, 0.3)).isCloseTo(0.07808358491192358, offset(1e-6));
        assertThat(ParzenEstimator.gaussMass(5, 6)).isCloseTo(2.856649842341556e-07, offset(1e-18));
        assertThat(ParzenEstimator.gaussMass(-6, -5)).isEqualTo(ParzenEstimator.gaussMass(5, 6));
    }

    static List<Observation> choices(int k, int... taken) {
        var out = new ArrayList<Observation>();
        for (int j = 0; j < taken.length; j++) {
            var trial = InProcessExperiment.trial(j, Map.of("c", "x"), TrialState.COMPLETE, Map.of("loss", 0.0));
            out.add(new Observation(trial, new double[]{(taken[j] + 0.5) / k}, new double[]{0}, Observation.COMPLETE, 0));
        }
        return out;
    }

    @Test
    void aCategoricalHasOptunasPerTrialKernels() {
        var tpe = new TpeSearch(10, 24, 1.0, false);
        assertThat(tpe.categorical(choices(4, 1, 1, 2), 0, 4))
                .containsExactly(new double[]{0.15625, 0.40625, 0.28125, 0.15625}, offset(1e-12));
        int[] thirty = new int[30];
        Arrays.setAll(thirty, j -> j % 3);
        assertThat(tpe.categorical(choices(4, thirty), 0, 4))
                .containsExactly(new double[]{0.30874635568513115, 0.3237234485630987, 0.33121199500208254, 0.03631820074968763},
                        offset(1e-12));
    }

    @Test
    void besideCmaEsACategoricalIsCounted() {
        // prior 1/4 on each choice plus one per trial, over 1 + 3
        assertThat(TpeSearch.countingChoices().categorical(choices(4, 1, 1, 2), 0, 4))
                .containsExactly(new double[]{0.0625, 0.5625, 0.3125, 0.0625}, offset(1e-12));
    }
}
