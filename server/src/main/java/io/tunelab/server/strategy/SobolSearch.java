package io.tunelab.server.strategy;

import io.tunelab.api.Seeds;
import org.apache.commons.math3.random.SobolSequenceGenerator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quasi-random search: trial n takes the n-th point of a Sobol sequence (Joe–Kuo direction
 * numbers), digitally shifted by a mask drawn from the experiment seed so that experiments with
 * different seeds see different, equally well spread points. Each param (conditional ones
 * included) owns one coordinate, so the points fill the space far more evenly than independent
 * draws. Spaces with more than 1,000 params, beyond the direction table, get uniform draws.
 *
 * <p>Stateless: the point depends only on the seed and the trial number. Learns nothing: trials
 * of every state count only as configurations not to repeat ({@link NoRepeats}).
 * Constraints change nothing here: it proposes the same points with or without them.
 */
public final class SobolSearch implements SearchStrategy {
    /** The Joe–Kuo table shipped with commons-math covers this many dimensions. */
    static final int MAX_DIMENSION = 1000;
    private static final int BITS = 52;
    private static final Map<Integer, SobolSequenceGenerator> GENERATORS = new ConcurrentHashMap<>();

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var unit = new UnitSpace(context.space());
        // A point that decodes onto an earlier configuration (small discrete spaces) is replaced
        // by uniform draws: later Sobol points belong to later trials.
        return NoRepeats.propose(context, "sobol", attempt -> attempt == 0
                ? unit.decode(point(unit.dimension(), context.seed(), context.number()))
                : unit.decode(UnitSpace.uniform(unit.dimension(), NoRepeats.rng(context, "sobol", attempt))));
    }

    /** The n-th shifted Sobol point of a d-dimensional sequence, each coordinate in [0,1). */
    static double[] point(int d, long seed, int n) {
        if (d == 0) {
            return new double[0];
        }
        if (d > MAX_DIMENSION) {
            return UnitSpace.uniform(d, Seeds.forTrial(seed, n, "sobol"));
        }
        // Reading the direction numbers costs far more than a skip, so there is one generator per
        // dimension; it is stateful, hence the lock.
        var sobol = GENERATORS.computeIfAbsent(d, SobolSequenceGenerator::new);
        double[] x;
        synchronized (sobol) {
            x = sobol.skipTo(n).clone();
        }
        var shift = Seeds.forTrial(seed, -1, "sobol-shift");
        for (int i = 0; i < d; i++) {
            long bits = (long) (x[i] * (1L << BITS));
            long mask = shift.nextLong() >>> (64 - BITS);
            x[i] = (bits ^ mask) / (double) (1L << BITS);
        }
        return x;
    }
}
