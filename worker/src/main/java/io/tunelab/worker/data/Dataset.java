package io.tunelab.worker.data;

/**
 * A table encoded for training: one row of inputs per example and its target (a class index
 * for classification, the value for regression). Arrays are shared, never changed.
 */
public record Dataset(String source, String sha256, Encoding encoding, double[][] x, double[] y) {

    public int rows() {
        return x.length;
    }

    public int width() {
        return encoding.width();
    }

    public int classes() {
        return encoding.classes().size();
    }

    public boolean isClassification() {
        return encoding.type() == TaskType.CLASSIFICATION;
    }

    /** The rows at some positions (no copy of the rows themselves). */
    public double[][] rows(int[] at) {
        double[][] out = new double[at.length][];
        for (int i = 0; i < at.length; i++) {
            out[i] = x[at[i]];
        }
        return out;
    }

    /** The dataset of the rows at some positions, in that order (rows shared, not copied). */
    public Dataset subset(int[] at) {
        return new Dataset(source, sha256, encoding, rows(at), targets(at));
    }

    public double[] targets(int[] at) {
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = y[at[i]];
        }
        return out;
    }
}
