package io.tunelab.api;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Random generators derived from an experiment's seed, a trial number and an optional salt, so
 * that each trial's draws are reproducible on their own, whatever order trials are proposed or
 * judged in. Strategies and pruners draw from these; the same inputs always give the same draws.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A generator for one trial and a salt (such as a param name) that keeps its draws apart from others. */
    public static RandomGenerator forTrial(long seed, int number, String salt) {
        long h = mix(seed ^ mix(number + 0x9E3779B97F4A7C15L));
        if (salt != null) {
            h = mix(h ^ salt.hashCode());
        }
        return new SplittableRandom(h);
    }

    public static RandomGenerator forTrial(long seed, int number) {
        return forTrial(seed, number, null);
    }

    /** SplitMix64's finalizer: spreads nearby seeds far apart. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
