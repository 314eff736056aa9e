package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * A canonical key that is equal for equal configurations: params sorted by name, numbers
     * compared by value (an int 3 equals a float 3.0), and each value tagged with its kind so
     * that the string "3" and the number 3 stay apart.
     */
    public static String key(Map<String, Object> params) {
        var names = params.keySet().toArray(String[]::new);
        java.util.Arrays.sort(names);
        var sb = new StringBuilder();
        for (String name : names) {
            Object v = params.get(name);
            sb.append(name).append('=');
            switch (v) {
                case Number n -> sb.append('n').append(n.doubleValue());
                case Boolean b -> sb.append('b').append(b);
                case null -> sb.append('-');
                default -> sb.append('s').append(v);
            }
            sb.append('\u0001');
        }
        return sb.toString();
    }

    /** The configurations of the proposal's history as a set: the one its context carries. */
    public static Seen seen(ProposalContext context) {
        return context.proposed();
    }

    /** The configurations of these trials (any state: running trials count too), by a scan of them. */
    static Seen seen(List<Trial> history) {
        // A view, not a copy: most proposals look at each configuration once, if at all.
        return Seen.of(new java.util.AbstractList<>() {
            @Override
            public Map<String, Object> get(int index) {
                return history.get(index).params();
            }

            @Override
            public int size() {
                return history.size();
            }
        });
    }

    /**
     * A set of configurations, equal by {@link #key}: numbers by value (bit for bit, as
     * {@code Double.toString} tells them apart), strings apart from numbers, any param order.
     */
    @FunctionalInterface
    public interface Seen {
        /** Whether a configuration equal to this one (by {@link #key}) is in the set. */
        boolean contains(Map<String, Object> config);

        /** The set of these configurations, answered by scanning them ({@link Scan}). */
        static Seen of(List<Map<String, Object>> configurations) {
            return new Scan(configurations);
        }
    }

    /**
     * A set answered from a list of configurations, for a history that has no
     * {@link ProposedConfigurations} beside it. The first question is answered by one pass over
     * the configurations that builds nothing: each is skipped on one number it must share with the
     * asked configuration (or on its fingerprint when the asked one has no number), and only a
     * candidate that passes is compared by {@link #key}. Further questions (a collision, then
     * redraws) build an index by order-independent 64-bit fingerprint, confirmed by
     * {@link #key}, and answer from it. Thread-safe.
     */
    private static final class Scan implements Seen {
        private final List<Map<String, Object>> configurations;
        private Map<Long, List<Map<String, Object>>> byFingerprint;

        Scan(List<Map<String, Object>> configurations) {
            this.configurations = configurations;
        }

        @Override
        public synchronized boolean contains(Map<String, Object> config) {
            if (byFingerprint == null) {
                byFingerprint = new HashMap<>();
                return scan(config);
            }
            if (byFingerprint.isEmpty()) {
                for (var c : configurations) {
                    byFingerprint.computeIfAbsent(fingerprint(c), f -> new ArrayList<>(1)).add(c);
                }
            }
            var same = byFingerprint.get(fingerprint(config));
            if (same == null) {
                return false;
            }
            String key = key(config);
            return same.stream().anyMatch(c -> key(c).equals(key));
        }

        private boolean scan(Map<String, Object> config) {
            String probe = discriminating(config);
            long fingerprint = probe == null ? fingerprint(config) : 0;
            double value = probe == null ? 0 : ((Number) config.get(probe)).doubleValue();
            String key = null;
            for (var c : configurations) {
                if (c.size() != config.size()) {
                    continue;
                }
                if (probe != null) {
                    // Equal keys hold equal numbers (as Double.toString tells them apart).
                    if (!(c.get(probe) instanceof Number n) || Double.doubleToLongBits(n.doubleValue()) != Double.doubleToLongBits(value)) {
                        continue;
                    }
                } else if (fingerprint(c) != fingerprint) {
                    continue;
                }
                key = key == null ? key(config) : key;
                if (key(c).equals(key)) {
                    return true;
                }
            }
            return false;
        }

        /** The param whose number best tells configurations apart: a fractional one if any, else any number; null if none. */
        private static String discriminating(Map<String, Object> config) {
            String any = null;
            for (var e : config.entrySet()) {
                if (e.getValue() instanceof Number n) {
                    double d = n.doubleValue();
                    if (d != Math.rint(d)) {
                        return e.getKey();
                    }
                    any = any == null ? e.getKey() : any;
                }
            }
            return any;
        }
    }

    /** A hash that is equal for configurations with equal {@link #key}s, whatever their order. */
    static long fingerprint(Map<String, Object> params) {
        long h = 0;
        for (var e : params.entrySet()) {
            long v = switch (e.getValue()) {
                case Number n -> Double.hashCode(n.doubleValue() == 0 ? 0.0 : n.doubleValue());
                case null -> 7;
                // Equal keys hold equal strings here (params are strings, numbers and booleans).
                default -> e.getValue().hashCode() * 31L;
            };
            h += Seeds.mix(e.getKey().hashCode() * 0x9E3779B97F4A7C15L ^ v);
        }
        return h;
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
        expand(space, space.names(), 0, new LinkedHashMap<>(), out, null);
        return out;
    }

    /** Every combination of the discrete params; a continuous param takes one draw of {@code rng}. */
    private static void expand(SearchSpace space, List<String> names, int i, LinkedHashMap<String, Object> partial,
                               List<Map<String, Object>> out, RandomGenerator rng) {
        if (i == names.size()) {
            out.add(new LinkedHashMap<>(partial));
            return;
        }
        String name = names.get(i);
        if (!space.isActive(name, partial)) {
            expand(space, names, i + 1, partial, out, rng);
            return;
        }
        Param param = space.get(name);
        for (Object v : param.isDiscrete() ? values(param) : List.of(Sampling.sample(param, rng))) {
            partial.put(name, v);
            expand(space, names, i + 1, partial, out, rng);
            partial.remove(name);
        }
    }

    /**
     * The first configuration in grid order that is not seen, continuous params drawn from
     * {@code rng} (so on a space with any continuous param the answer is practically always
     * new); BUDGET_EXHAUSTED when every configuration of a discrete space has been seen.
     */
    static Map<String, Object> firstUnseen(SearchSpace space, Seen seen, RandomGenerator rng) {
        var skeleton = new ArrayList<Map<String, Object>>();
        long bound = 1;
        for (Param p : space.params().values()) {
            bound = Math.multiplyExact(bound, Math.max(1, p.cardinality()));
            if (bound > MAX_GRID) {
                throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, "no configuration that has not been proposed was found in "
                        + NoRepeats.ATTEMPTS + " draws, and the space has more than " + MAX_GRID
                        + " discrete combinations to search; widen the space or use larger steps");
            }
        }
        expand(space, space.names(), 0, new LinkedHashMap<>(), skeleton, rng);
        for (var config : skeleton) {
            if (!seen.contains(config)) {
                return config;
            }
        }
        throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED,
                "every configuration of the discrete space has been proposed; widen the space to go on");
    }
}
