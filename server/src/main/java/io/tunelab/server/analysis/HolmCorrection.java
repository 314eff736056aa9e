package io.tunelab.server.analysis;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down correction for multiple comparisons: with m p-values sorted ascending,
 * p(1) ≤ … ≤ p(m), the adjusted value of the i-th is max over j ≤ i of min(1, (m − j + 1) p(j)).
 * Rejecting where the adjusted value is below alpha keeps the family-wise error rate at alpha.
 */
public final class HolmCorrection {
    private HolmCorrection() {
    }

    /** The adjusted p-values, in the order of the input. */
    public static double[] adjust(double... pValues) {
        for (int i = 0; i < pValues.length; i++) {
            if (!(pValues[i] >= 0 && pValues[i] <= 1)) {
                throw new IllegalArgumentException("p-values must lie in [0, 1], p[" + i + "] is " + pValues[i]);
            }
        }
        int m = pValues.length;
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> pValues[i])).toArray(Integer[]::new);
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            running = Math.max(running, Math.min(1, (m - rank) * pValues[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }
}
