package io.tunelab.worker.data;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Class imbalance: when the data-quality report calls a target imbalanced, and the two remedies
 * a task may search, balanced class weights for the loss and random oversampling of the
 * training rows. Both work on the training rows of one split only, so validation rows keep
 * the real class balance.
 */
public final class Imbalance {
    /**
     * Above this ratio of the commonest to the rarest class a target is imbalanced: with two
     * classes, a minority share below 20%. (A share alone would flag every balanced target of
     * five classes or more.)
     */
    public static final double RATIO = 4.0;

    private Imbalance() {
    }

    /** The report's {@code imbalance} entry for class counts, or null when the classes are balanced enough. */
    public static Map<String, Object> assess(Collection<Integer> counts) {
        if (counts.size() < 2) {
            return null;
        }
        int min = counts.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        double share = (double) min / total;
        double ratio = (double) max / min;
        if (ratio <= RATIO) {
            return null;
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("minority_share", share);
        out.put("ratio", ratio);
        out.put("suggestions", List.of("training.class_weights: balanced", "training.oversampling: random",
                "an objective such as f1_macro or roc_auc rather than accuracy"));
        return out;
    }

    /**
     * Balanced weights {@code n / (classes · n_c)} of training targets, as scikit-learn's
     * {@code class_weight="balanced"}; a class absent from the rows gets weight 1.
     */
    public static double[] balancedWeights(double[] y, int classes) {
        int[] counts = counts(y, classes);
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = counts[c] == 0 ? 1.0 : (double) y.length / (classes * counts[c]);
        }
        return w;
    }

    /**
     * The training rows with rows of the rarer classes drawn again at random (with replacement)
     * until every class present has as many rows as the commonest; the original rows come first.
     *
     * @param rows the training rows (dataset positions)
     * @param y    the class index of each of {@code rows}
     */
    public static int[] oversample(int[] rows, double[] y, int classes, RandomGenerator random) {
        int[] counts = counts(y, classes);
        int max = Arrays.stream(counts).max().orElse(0);
        int extra = Arrays.stream(counts).filter(n -> n > 0).map(n -> max - n).sum();
        int[] out = Arrays.copyOf(rows, rows.length + extra);
        int at = rows.length;
        for (int c = 0; c < classes; c++) {
            int label = c;
            int[] members = IntStream.range(0, rows.length).filter(i -> (int) y[i] == label)
                    .map(i -> rows[i]).toArray();
            for (int k = counts[c]; k > 0 && k < max; k++) {
                out[at++] = members[random.nextInt(members.length)];
            }
        }
        return out;
    }

    private static int[] counts(double[] y, int classes) {
        int[] counts = new int[classes];
        for (double v : y) {
            counts[(int) v]++;
        }
        return counts;
    }
}
