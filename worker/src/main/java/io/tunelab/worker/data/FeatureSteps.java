package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The feature selection and extraction steps of a {@link FeatureSpec}, fitted on the training
 * rows of one split: which inputs were skewed and their transform parameter, which inputs
 * survived the date, variance, correlation and top-k steps, and which pairs are multiplied
 * into interaction features. {@link #transform} only applies what was fitted.
 *
 * <p>A plain record of arrays, saved inside the {@link Preprocessor} of an exported model.
 *
 * @param inputs      the number of inputs the steps were fitted on
 * @param skew        {@code none}, {@code log} or {@code yeo_johnson}
 * @param skewParams  per input: NaN when not transformed, else the training minimum (log) or λ (Yeo-Johnson)
 * @param kept        the inputs kept, in input order
 * @param pairs       the pairs of kept positions whose products are appended
 * @param dropped     how many inputs each step dropped: dates, variance, correlation, selection
 */
public record FeatureSteps(int inputs, String skew, double[] skewParams, int[] kept, int[][] pairs,
                           Map<String, Integer> dropped) {
    /** The most interaction features {@code pairwise} may add. */
    public static final int MAX_INTERACTIONS = 4096;

    /**
     * Fits the steps on training rows (not changed), or returns null when the spec asks for none.
     *
     * @param y          the training targets (class indices or values), or null when there are none
     * @param classes    the number of classes, or 0 for regression
     * @param dateInputs which inputs are parts of a date column (null: none)
     */
    public static FeatureSteps fit(FeatureSpec spec, double[][] x, double[] y, int classes, boolean[] dateInputs) {
        int d = x[0].length;
        boolean dropsDates = spec.dates().equals("drop") && dateInputs != null
                && IntStream.range(0, d).anyMatch(c -> dateInputs[c]);
        if (!dropsDates && !spec.changesWidth() && spec.skew().equals("none")) {
            return null;
        }
        var dropped = new LinkedHashMap<String, Integer>();
        List<Integer> candidates = new ArrayList<>();
        for (int c = 0; c < d; c++) {
            if (!(spec.dates().equals("drop") && dateInputs != null && dateInputs[c])) {
                candidates.add(c);
            }
        }
        dropped.put("dates", d - candidates.size());

        double[] params = new double[d];
        Arrays.fill(params, Double.NaN);
        if (!spec.skew().equals("none")) {
            for (int c : candidates) {
                double[] column = FeatureScores.column(x, c);
                double skewness = SkewTransform.skewness(column);
                if (spec.skew().equals("log") && skewness > spec.skewThreshold()) {
                    params[c] = Arrays.stream(column).min().orElse(0);
                } else if (spec.skew().equals("yeo_johnson") && Math.abs(skewness) > spec.skewThreshold()) {
                    params[c] = SkewTransform.fitLambda(column);
                }
            }
        }
        double[][] t = applySkew(x, spec.skew(), params);

        int before = candidates.size();
        if (spec.varianceThreshold() != null) {
            candidates.removeIf(c -> new Variance(false).evaluate(FeatureScores.column(t, c)) <= spec.varianceThreshold());
        }
        dropped.put("variance", before - candidates.size());

        before = candidates.size();
        if (spec.correlationThreshold() != null) {
            candidates = uncorrelated(t, candidates, spec.correlationThreshold());
        }
        dropped.put("correlation", before - candidates.size());

        before = candidates.size();
        if (!spec.selection().equals("none")) {
            if (y == null) {
                throw TunelabException.invalidSpec("preprocessing.selection: " + spec.selection() + " needs a target to score inputs against");
            }
            candidates = topK(t, y, classes, candidates, spec);
        }
        dropped.put("selection", before - candidates.size());

        int m = candidates.size();
        if (m == 0) {
            throw TunelabException.invalidSpec("preprocessing: the feature steps dropped every input; lower "
                    + "preprocessing.variance_threshold or raise preprocessing.correlation_threshold");
        }
        int[][] pairs = new int[0][];
        if (spec.interactions().equals("pairwise")) {
            long count = (long) m * (m - 1) / 2;
            if (count > MAX_INTERACTIONS) {
                throw TunelabException.invalidSpec("preprocessing.interactions: pairwise on " + m + " inputs makes " + count
                        + " features, more than " + MAX_INTERACTIONS + "; keep fewer inputs first, for example with "
                        + "preprocessing.selection and a k of at most 91");
            }
            var p = new ArrayList<int[]>();
            for (int a = 0; a < m; a++) {
                for (int b = a + 1; b < m; b++) {
                    p.add(new int[] {a, b});
                }
            }
            pairs = p.toArray(int[][]::new);
        }
        return new FeatureSteps(d, spec.skew(), params, candidates.stream().mapToInt(Integer::intValue).toArray(), pairs,
                dropped);
    }

    /** Applies the fitted steps to rows (training or new ones); returns new arrays. */
    public double[][] transform(double[][] rows) {
        double[][] t = applySkew(rows, skew, skewParams);
        double[][] out = new double[t.length][kept.length + pairs.length];
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < kept.length; j++) {
                out[i][j] = t[i][kept[j]];
            }
            for (int p = 0; p < pairs.length; p++) {
                out[i][kept.length + p] = out[i][pairs[p][0]] * out[i][pairs[p][1]];
            }
        }
        return out;
    }

    /** The number of inputs after the steps. */
    public int outputWidth() {
        return kept.length + pairs.length;
    }

    /** What the steps did, by input name, for a trial's provenance. */
    public Map<String, Object> describe(List<String> inputNames) {
        var out = new LinkedHashMap<String, Object>();
        out.put("inputs", inputs);
        out.put("outputs", outputWidth());
        out.put("transformed", IntStream.range(0, inputs).filter(c -> !Double.isNaN(skewParams[c]))
                .mapToObj(inputNames::get).toList());
        out.put("dropped", dropped);
        out.put("kept", Arrays.stream(kept).mapToObj(inputNames::get).toList());
        out.put("interactions", pairs.length);
        return out;
    }

    private static double[][] applySkew(double[][] x, String skew, double[] params) {
        if (skew.equals("none")) {
            return x;
        }
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            for (int c = 0; c < params.length; c++) {
                if (!Double.isNaN(params[c]) && !Double.isNaN(out[i][c])) {
                    out[i][c] = skew.equals("log") ? SkewTransform.log(out[i][c], params[c])
                            : SkewTransform.yeoJohnson(out[i][c], params[c]);
                }
            }
        }
        return out;
    }

    /** Keeps inputs in order, dropping each whose |r| with an input already kept exceeds the threshold. */
    private static List<Integer> uncorrelated(double[][] x, List<Integer> candidates, double threshold) {
        if (x.length < 3) {
            return candidates;
        }
        double[][] columns = candidates.stream().map(c -> FeatureScores.column(x, c)).toArray(double[][]::new);
        var pearson = new PearsonsCorrelation();
        var kept = new ArrayList<Integer>();
        var keptColumns = new ArrayList<double[]>();
        for (int i = 0; i < columns.length; i++) {
            boolean redundant = false;
            for (double[] other : keptColumns) {
                double r = pearson.correlation(columns[i], other);
                if (Math.abs(r) > threshold) {
                    redundant = true;
                    break;
                }
            }
            if (!redundant) {
                kept.add(candidates.get(i));
                keptColumns.add(columns[i]);
            }
        }
        return kept;
    }

    /** The k best-scoring candidates (all when fewer remain), in input order; ties go to the earlier input. */
    private static List<Integer> topK(double[][] x, double[] y, int classes, List<Integer> candidates, FeatureSpec spec) {
        double[][] sub = new double[x.length][candidates.size()];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < candidates.size(); j++) {
                sub[i][j] = x[i][candidates.get(j)];
            }
        }
        double[] scores = spec.selection().equals("mutual_info") ? FeatureScores.mutualInformation(sub, y, classes)
                : FeatureScores.anovaF(sub, y, classes);
        return IntStream.range(0, candidates.size()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -scores[j]).thenComparing(j -> j))
                .limit(spec.k()).sorted().map(candidates::get).toList();
    }
}
