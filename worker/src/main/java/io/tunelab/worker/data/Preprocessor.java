package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Preprocessing fitted on the training rows of one split: the values that fill missing cells,
 * the bounds that clip outliers, the feature selection and extraction steps
 * ({@link FeatureSteps}), the centre and scale of each input, and the PCA projection.
 * Every statistic comes from the rows passed to {@link #fit}; {@link #transform} only applies
 * them, so validation rows never influence what is learnt. A null array means "no such step".
 *
 * <p>A plain record of arrays, so it is saved as JSON next to the network in an exported model.
 */
public record Preprocessor(
        double[] fill,
        double[] clipLow,
        double[] clipHigh,
        FeatureSteps steps,
        double[] center,
        double[] scale,
        double[] pcaMean,
        double[][] pcaComponents) {

    /** The z-score above which {@code drop_zscore} leaves a training row out. */
    public static final double Z_LIMIT = 3.0;

    /** What fitting produced: the preprocessor, and which training rows it kept (drop_zscore drops some). */
    public record Fit(Preprocessor preprocessor, int[] kept) {
    }

    /** Fits the steps of a spec on training rows without targets (so no selection by target). */
    public static Fit fit(PreprocessingSpec spec, double[][] train) {
        return fit(spec, train, null, 0, null);
    }

    /** Fits the steps of a spec on the training rows of a dataset. */
    public static Fit fit(PreprocessingSpec spec, Dataset data, int[] trainRows) {
        return fit(spec, data.rows(trainRows), data.targets(trainRows), data.isClassification() ? data.classes() : 0,
                data.encoding().dateInputs());
    }

    /**
     * Fits the steps of a spec on training rows (not changed).
     *
     * @param y          their targets (class indices or values), or null
     * @param classes    the number of classes, or 0 for regression
     * @param dateInputs which inputs are date parts, or null
     */
    public static Fit fit(PreprocessingSpec spec, double[][] train, double[] y, int classes, boolean[] dateInputs) {
        if (train.length == 0) {
            throw TunelabException.invalidSpec("the training part is empty; use a smaller validation share");
        }
        int d = train[0].length;
        double[][] x = train;
        int[] kept = IntStream.range(0, train.length).toArray();

        double[] fill = null;
        if (!spec.imputation().equals("none")) {
            fill = new double[d];
            for (int c = 0; c < d; c++) {
                fill[c] = fillValue(spec.imputation(), x, c);
            }
            x = impute(x, fill);
        } else {
            long missing = Arrays.stream(x).flatMapToDouble(Arrays::stream).filter(Double::isNaN).count();
            if (missing > 0) {
                throw TunelabException.invalidSpec("the data has " + missing + " missing cells in the training part; set "
                        + "preprocessing.imputation to mean, median or most_frequent");
            }
        }

        double[] clipLow = null;
        double[] clipHigh = null;
        switch (spec.outliers()) {
            case "clip_iqr" -> {
                clipLow = new double[d];
                clipHigh = new double[d];
                for (int c = 0; c < d; c++) {
                    var q = Quantiles.ofColumn(x, c);
                    double iqr = q.at(0.75) - q.at(0.25);
                    clipLow[c] = q.at(0.25) - 1.5 * iqr;
                    clipHigh[c] = q.at(0.75) + 1.5 * iqr;
                }
                x = clip(x, clipLow, clipHigh);
            }
            case "drop_zscore" -> {
                kept = withinZLimit(x);
                if (kept.length == 0) {
                    throw TunelabException.invalidSpec("preprocessing.outliers: drop_zscore would drop every training row");
                }
                double[][] all = x;
                x = Arrays.stream(kept).mapToObj(i -> all[i]).toArray(double[][]::new);
            }
            default -> {
            }
        }

        double[] keptY = y == null ? null : Arrays.stream(kept).mapToDouble(i -> y[i]).toArray();
        FeatureSteps steps = FeatureSteps.fit(spec.features(), x, keptY, classes, dateInputs);
        if (steps != null) {
            x = steps.transform(x);
            d = steps.outputWidth();
        }

        double[] center = null;
        double[] scale = null;
        if (!spec.scaling().equals("none")) {
            center = new double[d];
            scale = new double[d];
            for (int c = 0; c < d; c++) {
                var q = Quantiles.ofColumn(x, c);
                double[] cs = switch (spec.scaling()) {
                    case "standard" -> meanAndStd(x, c);
                    case "minmax" -> new double[] {q.at(0), q.at(1) - q.at(0)};
                    case "robust" -> new double[] {q.at(0.5), q.at(0.75) - q.at(0.25)};
                    default -> throw new IllegalStateException(spec.scaling());
                };
                center[c] = cs[0];
                // A constant input (zero spread) is only centred: dividing by zero would make NaN.
                scale[c] = cs[1] > 1e-12 ? cs[1] : 1.0;
            }
            x = scale(x, center, scale);
        }

        double[] pcaMean = null;
        double[][] components = null;
        if (spec.dimensionality().equals("pca")) {
            if (spec.components() > d) {
                throw TunelabException.invalidSpec("preprocessing.components (" + spec.components()
                        + ") exceeds the number of input features (" + d + ")");
            }
            pcaMean = new double[d];
            for (int c = 0; c < d; c++) {
                pcaMean[c] = meanAndStd(x, c)[0];
            }
            components = principalComponents(x, pcaMean, spec.components());
        }
        return new Fit(new Preprocessor(fill, clipLow, clipHigh, steps, center, scale, pcaMean, components), kept);
    }

    /** The identity: no step. */
    public static Preprocessor identity() {
        return new Preprocessor(null, null, null, null, null, null, null, null);
    }

    /** Applies the fitted steps to rows (training or new ones); returns new arrays. */
    public double[][] transform(double[][] rows) {
        double[][] x = rows;
        if (fill != null) {
            x = impute(x, fill);
        }
        if (clipLow != null) {
            x = clip(x, clipLow, clipHigh);
        }
        if (steps != null) {
            x = steps.transform(x);
        }
        if (center != null) {
            x = scale(x, center, scale);
        }
        if (pcaComponents != null) {
            x = project(x, pcaMean, pcaComponents);
        }
        if (x == rows) {
            x = Arrays.stream(rows).map(double[]::clone).toArray(double[][]::new);
        }
        for (int i = 0; i < x.length; i++) {
            for (double v : x[i]) {
                if (Double.isNaN(v)) {
                    throw TunelabException.invalidSpec("row " + (i + 1) + " of the data still has a missing cell after "
                            + "preprocessing: fill it in, or train with preprocessing.imputation set to mean, median or most_frequent");
                }
            }
        }
        return x;
    }

    /** What the fitted steps did, by input name, for a trial's provenance: the input and output counts, and the feature steps'. */
    public Map<String, Object> describe(int inputWidth, List<String> inputNames) {
        var out = new LinkedHashMap<String, Object>();
        out.put("inputs", inputWidth);
        if (steps != null) {
            out.put("features", steps.describe(inputNames));
        }
        out.put("outputs", outputWidth(inputWidth));
        return out;
    }

    /** The number of model inputs after the steps. */
    public int outputWidth(int inputWidth) {
        if (pcaComponents != null) {
            return pcaComponents.length;
        }
        return steps == null ? inputWidth : steps.outputWidth();
    }

    private static double fillValue(String imputation, double[][] x, int c) {
        var q = Quantiles.ofColumn(x, c);
        if (q.count() == 0) {
            return 0.0;
        }
        return switch (imputation) {
            case "mean" -> meanAndStd(x, c)[0];
            case "median" -> q.at(0.5);
            case "most_frequent" -> mostFrequent(x, c);
            default -> throw new IllegalStateException(imputation);
        };
    }

    private static double mostFrequent(double[][] x, int c) {
        var counts = new HashMap<Double, Integer>();
        for (double[] row : x) {
            if (!Double.isNaN(row[c])) {
                counts.merge(row[c], 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .max(Comparator.<java.util.Map.Entry<Double, Integer>>comparingInt(java.util.Map.Entry::getValue)
                        .thenComparing(java.util.Map.Entry::getKey, Comparator.reverseOrder()))
                .orElseThrow().getKey();
    }

    /** Mean and sample standard deviation of a column, ignoring NaN. */
    private static double[] meanAndStd(double[][] x, int c) {
        double sum = 0;
        int n = 0;
        for (double[] row : x) {
            if (!Double.isNaN(row[c])) {
                sum += row[c];
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double ss = 0;
        for (double[] row : x) {
            if (!Double.isNaN(row[c])) {
                ss += (row[c] - mean) * (row[c] - mean);
            }
        }
        return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
    }

    private static int[] withinZLimit(double[][] x) {
        int d = x[0].length;
        double[][] ms = new double[d][];
        for (int c = 0; c < d; c++) {
            ms[c] = meanAndStd(x, c);
        }
        return IntStream.range(0, x.length).filter(i -> {
            for (int c = 0; c < d; c++) {
                if (ms[c][1] > 1e-12 && Math.abs(x[i][c] - ms[c][0]) / ms[c][1] > Z_LIMIT) {
                    return false;
                }
            }
            return true;
        }).toArray();
    }

    private static double[][] impute(double[][] x, double[] fill) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            for (int c = 0; c < fill.length; c++) {
                if (Double.isNaN(out[i][c])) {
                    out[i][c] = fill[c];
                }
            }
        }
        return out;
    }

    private static double[][] clip(double[][] x, double[] low, double[] high) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            for (int c = 0; c < low.length; c++) {
                out[i][c] = Math.min(high[c], Math.max(low[c], out[i][c]));
            }
        }
        return out;
    }

    private static double[][] scale(double[][] x, double[] center, double[] scale) {
        double[][] out = new double[x.length][center.length];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < center.length; c++) {
                out[i][c] = (x[i][c] - center[c]) / scale[c];
            }
        }
        return out;
    }

    private static double[][] principalComponents(double[][] x, double[] mean, int k) {
        int d = mean.length;
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                double da = row[a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov[a][b] += da * (row[b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= Math.max(1, x.length - 1);
                cov[b][a] = cov[a][b];
            }
        }
        var eigen = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (i, j) -> Double.compare(values[j], values[i]));
        double[][] components = new double[k][];
        for (int i = 0; i < k; i++) {
            components[i] = eigen.getEigenvector(order[i]).toArray();
        }
        return components;
    }

    private static double[][] project(double[][] x, double[] mean, double[][] components) {
        double[][] out = new double[x.length][components.length];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < components.length; k++) {
                double s = 0;
                double[] w = components[k];
                for (int c = 0; c < mean.length; c++) {
                    s += (x[i][c] - mean[c]) * w[c];
                }
                out[i][k] = s;
            }
        }
        return out;
    }
}
