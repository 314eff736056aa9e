package io.tunelab.worker.train;

import io.tunelab.api.Direction;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation metrics of a task type, computed from predictions: for classification
 * {@code accuracy}, {@code f1_macro}, {@code log_loss} and (binary only) {@code roc_auc};
 * for regression {@code rmse}, {@code mae} and {@code r2}. Every trial also reports
 * {@code epochs}, {@code best_epoch} (whose weights it keeps) and {@code wall_time_s}.
 */
public final class Metrics {
    public static final List<String> CLASSIFICATION = List.of("accuracy", "f1_macro", "log_loss", "roc_auc");
    public static final List<String> REGRESSION = List.of("rmse", "mae", "r2");
    public static final String EPOCHS = "epochs";
    public static final String BEST_EPOCH = "best_epoch";
    public static final String WALL_TIME = "wall_time_s";
    public static final String TRAIN_LOSS = "train_loss";

    private Metrics() {
    }

    /**
     * The metrics a run reports on a dataset: the validation metrics of its task type (roc_auc
     * for two classes only), the epochs trained and the wall time.
     */
    public static List<String> reported(io.tunelab.worker.data.Dataset data) {
        var available = new java.util.ArrayList<>(data.isClassification() ? CLASSIFICATION : REGRESSION);
        if (data.isClassification() && data.classes() != 2) {
            available.remove("roc_auc");
        }
        available.add(EPOCHS);
        available.add(WALL_TIME);
        return List.copyOf(available);
    }

    /** Whether larger is better, for a metric this worker computes. */
    public static Direction direction(String metric) {
        return switch (metric) {
            case "accuracy", "f1_macro", "roc_auc", "r2" -> Direction.MAXIMIZE;
            default -> Direction.MINIMIZE;
        };
    }

    /** Classification metrics from class probabilities (rows sum to 1) and true class indices. */
    public static Map<String, Double> classification(double[][] probabilities, double[] truth) {
        int n = truth.length;
        int k = probabilities.length == 0 ? 0 : probabilities[0].length;
        int correct = 0;
        int[][] confusion = new int[k][k];
        double logLoss = 0;
        for (int i = 0; i < n; i++) {
            int t = (int) truth[i];
            int p = argmax(probabilities[i]);
            confusion[t][p]++;
            if (p == t) {
                correct++;
            }
            logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i][t])));
        }
        var m = new LinkedHashMap<String, Double>();
        m.put("accuracy", (double) correct / n);
        m.put("f1_macro", macroF1(confusion));
        m.put("log_loss", logLoss / n);
        if (k == 2) {
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                scores[i] = probabilities[i][1];
            }
            m.put("roc_auc", rocAuc(scores, truth));
        }
        return m;
    }

    /** Regression metrics from predicted and true values. */
    public static Map<String, Double> regression(double[] predicted, double[] truth) {
        int n = truth.length;
        double mean = Arrays.stream(truth).average().orElse(0);
        double se = 0;
        double ae = 0;
        double tot = 0;
        for (int i = 0; i < n; i++) {
            double e = predicted[i] - truth[i];
            se += e * e;
            ae += Math.abs(e);
            tot += (truth[i] - mean) * (truth[i] - mean);
        }
        var m = new LinkedHashMap<String, Double>();
        m.put("rmse", Math.sqrt(se / n));
        m.put("mae", ae / n);
        m.put("r2", tot == 0 ? 0.0 : 1 - se / tot);
        return m;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The mean of per-class F1 scores over the classes that occur in the truth or the predictions (as scikit-learn). */
    static double macroF1(int[][] confusion) {
        int k = confusion.length;
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int predicted = 0;
            int actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += confusion[j][c];
                actual += confusion[c][j];
            }
            if (predicted + actual > 0) {
                sum += 2.0 * tp / (predicted + actual);
                classes++;
            }
        }
        return classes == 0 ? 0 : sum / classes;
    }

    /** ROC AUC as the Mann–Whitney probability that a positive scores above a negative (ties count half). */
    static double rocAuc(double[] scores, double[] truth) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double[] rank = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int x = i; x <= j; x++) {
                rank[order[x]] = r;
            }
            i = j + 1;
        }
        long positives = Arrays.stream(truth).filter(t -> t == 1).count();
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double sumPositive = 0;
        for (int i = 0; i < n; i++) {
            if (truth[i] == 1) {
                sumPositive += rank[i];
            }
        }
        return (sumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
