package io.tunelab.experiments.quality;

/**
 * Per-seed offsets and rotations of the benchmark functions, as the BBOB suite moves its
 * optima: each coordinate of the optimum is drawn uniformly from the middle 80% of its range,
 * so no strategy profits from starting at, or being pulled toward, the centre of the box.
 *
 * <p>The draws come from SplitMix64 keyed by (seed, stream), written the same way in
 * experiments/optuna/quality_shifted.py, so Optuna runs exactly the same shifted functions.
 */
final class Shifts {
    /** The share of each half-range the optimum may move: BBOB's [-4, 4] inside [-5, 5]. */
    static final double SHARE = 0.8;

    private long state;

    private Shifts(long seed, int stream) {
        this.state = seed * 1_000_003L + stream;
    }

    static Shifts of(long seed, int stream) {
        return new Shifts(seed, stream);
    }

    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Where the optimum of a function centred at 0 lands in [low, high]^dim for this seed and stream. */
    static double[] optimum(long seed, int stream, int dim, double low, double high) {
        var rng = of(seed, stream);
        double centre = (low + high) / 2;
        double half = (high - low) / 2;
        double[] o = new double[dim];
        for (int i = 0; i < dim; i++) {
            o[i] = centre + (2 * rng.nextDouble() - 1) * SHARE * half;
        }
        return o;
    }

    /** An orthonormal matrix: uniform entries in [-1, 1] made orthonormal row by row (Gram–Schmidt). */
    static double[][] rotation(long seed, int stream, int dim) {
        var rng = of(seed, stream);
        double[][] rows = new double[dim][dim];
        for (double[] row : rows) {
            for (int k = 0; k < dim; k++) {
                row[k] = 2 * rng.nextDouble() - 1;
            }
        }
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int k = 0; k < dim; k++) {
                    dot += rows[i][k] * rows[j][k];
                }
                for (int k = 0; k < dim; k++) {
                    rows[i][k] -= dot * rows[j][k];
                }
            }
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                norm += rows[i][k] * rows[i][k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < dim; k++) {
                rows[i][k] /= norm;
            }
        }
        return rows;
    }

    /** x − o. */
    static double[] minus(double[] x, double[] o) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i] - o[i];
        }
        return d;
    }

    /** r · x. */
    static double[] times(double[][] r, double[] x) {
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                s += r[i][k] * x[k];
            }
            z[i] = s;
        }
        return z;
    }
}
