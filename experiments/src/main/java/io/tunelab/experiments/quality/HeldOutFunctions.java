package io.tunelab.experiments.quality;

import java.util.Map;

/**
 * Functions no strategy's settings were chosen on, to judge {@code auto} on shapes outside the
 * suite: ill-conditioned and rotated, multimodal off-centre, flat plateaus, mixed kinds.
 * Each is written the same way in experiments/optuna/quality_shifted.py.
 */
final class HeldOutFunctions {
    /** Styblinski–Tang's minimiser in each coordinate, the root of 4x³ − 32x + 5 near −2.9. */
    static final double STYBLINSKI_ARGMIN = -2.903534027771178;
    private static final Map<String, Double> KERNEL_PENALTY = Map.of("linear", 1.0, "poly", 0.4, "rbf", 0.0, "sigmoid", 0.7);
    private static final Map<String, Double> LOSS_PENALTY = Map.of("hinge", 0.2, "log", 0.0, "squared", 0.5);

    private HeldOutFunctions() {
    }

    /** Σ 10^(6i/(d−1)) z_i²: condition number 10⁶, minimum 0 at z = 0. */
    static double ellipsoid(double[] z) {
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            s += Math.pow(10.0, 6.0 * i / (z.length - 1)) * z[i] * z[i];
        }
        return s;
    }

    /** ½ Σ (x⁴ − 16x² + 5x): 2^d basins, the global one in the corner near (−2.9, …). */
    static double styblinski(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v * v * v - 16 * v * v + 5 * v;
        }
        return 0.5 * s;
    }

    /** Σ ⌊|z_i| + ½⌋²: flat plateaus, no gradient, minimum 0 on the unit cell around z = 0. */
    static double step(double[] z) {
        double s = 0;
        for (double v : z) {
            double k = Math.floor(Math.abs(v) + 0.5);
            s += k * k;
        }
        return s;
    }

    /**
     * A log int, a plain int, a stepped int, a linear and a log float and two categoricals,
     * where the best value of {@code c} depends on the kernel. Minimum 0 at a=12, b=7, c=0.3,
     * d=0.01, e=35, rbf, log.
     */
    static double mixed(Map<String, Object> p) {
        String kernel = (String) p.get("kernel");
        double cBest = kernel.equals("rbf") ? 0.3 : 0.6;
        return sq(Math.log(Functions.num(p, "a") / 12.0)) + sq((Functions.num(p, "b") - 7) / 4.0)
                + 4.0 * sq(Functions.num(p, "c") - cBest) + 0.5 * sq(Math.log10(Functions.num(p, "d")) + 2.0)
                + sq((Functions.num(p, "e") - 35) / 25.0) + KERNEL_PENALTY.get(kernel) + LOSS_PENALTY.get((String) p.get("loss"));
    }

    private static double sq(double v) {
        return v * v;
    }
}
