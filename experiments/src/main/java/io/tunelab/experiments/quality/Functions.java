package io.tunelab.experiments.quality;

import java.util.Map;

/** The test functions of shared/bench/quality.py, transcribed term by term. */
final class Functions {
    /** The weights of the four wells of every Hartmann function. */
    private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H6_A = {
            {10, 3, 17, 3.5, 1.7, 8},
            {0.05, 10, 17, 0.1, 8, 14},
            {3, 3.5, 1.7, 10, 17, 8},
            {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H6_P = {
            {1312, 1696, 5569, 124, 8283, 5886},
            {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650},
            {4047, 8828, 8732, 5743, 1091, 381}};
    private static final Map<String, Double> OPT_PENALTY = Map.of("sgd", 1.5, "adam", 0.0, "rmsprop", 0.5, "adagrad", 2.0);
    private static final Map<String, Double> OPT_LR = Map.of("sgd", -2.0, "adam", -3.0, "rmsprop", -3.0, "adagrad", -3.0);
    private static final Map<String, Double> ACT_PENALTY = Map.of("relu", 0.0, "tanh", 0.3, "sigmoid", 1.0);

    private Functions() {
    }

    static double branin(double[] x) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double q = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
        return q * q + 10.0 * (1 - t) * Math.cos(x[0]) + 10.0;
    }

    static double hartmann6(double[] x) {
        return hartmann(x, H6_A, H6_P);
    }

    /** −Σ α_i exp(−Σ_j A_ij (x_j − 10⁻⁴ P_ij)²): the Hartmann family, one row of {@code a} and {@code p} per well. */
    static double hartmann(double[] x, double[][] a, double[][] p) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - 1e-4 * p[i][j];
                inner += a[i][j] * d * d;
            }
            sum += HARTMANN_ALPHA[i] * Math.exp(-inner);
        }
        return -sum;
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1.0 - x[i];
            s += 100.0 * a * a + b * b;
        }
        return s;
    }

    static double ackley(double[] x) {
        double sq = 0;
        double cos = 0;
        for (double v : x) {
            sq += v * v;
            cos += Math.cos(2 * Math.PI * v);
        }
        int d = x.length;
        return -20.0 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cos / d) + 20.0 + Math.E;
    }

    static double rastrigin(double[] x) {
        double s = 10.0 * x.length;
        for (double v : x) {
            s += v * v - 10.0 * Math.cos(2 * Math.PI * v);
        }
        return s;
    }

    /** mixed7: every term ≥ 0 and all 0 at lr=1e-3, reg=1e-4, scale=3, 3 layers, width 200, adam, relu. */
    static double mixed(Map<String, Object> p) {
        double lr = num(p, "lr");
        double reg = num(p, "reg");
        double scale = num(p, "scale");
        double layers = num(p, "n_layers");
        double width = num(p, "width");
        String optimizer = (String) p.get("optimizer");
        String activation = (String) p.get("activation");
        double v = Math.log10(reg) + 4.0;
        double u = Math.log10(lr) - OPT_LR.get(optimizer) - 0.3 * v;
        double w = Math.log(scale / 3.0);
        double wd = (width - 200) / 100.0;
        return u * u + 0.5 * v * v + w * w + 0.3 * (layers - 3) * (layers - 3) + wd * wd
                + OPT_PENALTY.get(optimizer) + ACT_PENALTY.get(activation);
    }

    static double num(Map<String, Object> p, String name) {
        return ((Number) p.get(name)).doubleValue();
    }
}
