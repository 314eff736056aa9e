package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Configurations as comparable keys, and the enumeration of discrete spaces in grid order
 * (conditional params included only where active).
 */
public final class Configurations {
    /** Above this many points a space is not enumerated. */
    public static final long MAX_GRID = 1_000_000;

    private Configurations() {
    }

    /** A key that is equal for equal configurations (numbers compared by value). */
    public static String key(Map<String, Object> params) {
        var sb = new StringBuilder();
        for (var e : params.entrySet()) {
            Object v = e.getValue();
            sb.append(e.getKey()).append('=');
            if (v instanceof Number n) {
                sb.append(n.doubleValue());
            } else {
                sb.append(v);
            }
            sb.append('\u0001');
        }
        return sb.toString();
    }

    /** The keys of every configuration in the history (any state: running trials count too). */
    public static Set<String> seen(ProposalContext context) {
        var seen = new HashSet<String>();
        for (Trial t : context.history()) {
            seen.add(key(t.params()));
        }
        return seen;
    }

    /** Whether every param of the space has finitely many values. */
    public static boolean isDiscrete(SearchSpace space) {
        return space.params().values().stream().allMatch(Param::isDiscrete);
    }

    /** The values of one discrete param, in order. */
    public static List<Object> values(Param param) {
        var out = new ArrayList<Object>();
        switch (param) {
            case FloatParam f -> {
                for (long k = 0; k < f.steps(); k++) {
                    out.add(f.gridPoint(k));
                }
            }
            case IntParam i -> {
                for (long k = 0; k < i.cardinality(); k++) {
                    out.add(i.valueAt(k));
                }
            }
            case CategoricalParam c -> out.addAll(c.choices());
        }
        return out;
    }

    /** An upper bound on the number of grid points (the product of cardinalities). */
    public static long upperBound(SearchSpace space) {
        long n = 1;
        for (Param p : space.params().values()) {
            long c = p.cardinality();
            if (c < 0) {
                return -1;
            }
            n = Math.multiplyExact(n, Math.max(1, c));
            if (n > MAX_GRID) {
                return n;
            }
        }
        return n;
    }

    /** Every configuration of a discrete space, conditional params only where active. */
    public static List<Map<String, Object>> enumerate(SearchSpace space) {
        long bound = upperBound(space);
        if (bound < 0) {
            throw TunelabException.invalidSpec("the space is not discrete; give every float param a step");
        }
        if (bound > MAX_GRID) {
            throw TunelabException.invalidSpec("the grid would have more than " + MAX_GRID + " points; narrow the space or use larger steps");
        }
        var out = new ArrayList<Map<String, Object>>();
        expand(space, space.names(), 0, new LinkedHashMap<>(), out);
        return out;
    }

    private static void expand(SearchSpace space, List<String> names, int i, LinkedHashMap<String, Object> partial,
                               List<Map<String, Object>> out) {
        if (i == names.size()) {
            out.add(new LinkedHashMap<>(partial));
            return;
        }
        String name = names.get(i);
        if (!space.isActive(name, partial)) {
            expand(space, names, i + 1, partial, out);
            return;
        }
        for (Object v : values(space.get(name))) {
            partial.put(name, v);
            expand(space, names, i + 1, partial, out);
            partial.remove(name);
        }
    }

    /**
     * The candidate itself unless the space is discrete and the candidate is in the history;
     * then a uniform redraw that is not (a bounded number of tries), then the first unseen
     * configuration in grid order, or BUDGET_EXHAUSTED when there is none.
     */
    public static Map<String, Object> unseen(ProposalContext context, Map<String, Object> candidate, RandomGenerator rng) {
        if (!isDiscrete(context.space())) {
            return candidate;
        }
        var seen = seen(context);
        if (!seen.contains(key(candidate))) {
            return candidate;
        }
        for (int attempt = 0; attempt < 64; attempt++) {
            var redraw = Sampling.sample(context.space(), rng);
            if (!seen.contains(key(redraw))) {
                return redraw;
            }
        }
        return firstUnseen(context.space(), seen);
    }

    /** The first configuration in grid order that is not seen, or BUDGET_EXHAUSTED. */
    public static Map<String, Object> firstUnseen(SearchSpace space, Set<String> seen) {
        for (var config : enumerate(space)) {
            if (!seen.contains(key(config))) {
                return config;
            }
        }
        throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED,
                "every configuration of the discrete space has been proposed; widen the space to go on");
    }
}
