package io.tunelab.server.strategy;

import io.tunelab.api.TunelabException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the options of a strategy or pruner with their allowed ranges, and rejects what is
 * out of range or unknown with a message that names the option and what is allowed. Call
 * {@link #done()} after reading every option, so that a misspelt one is an error, not ignored.
 */
public final class Options {
    private final String owner;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();

    private Options(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = values == null ? Map.of() : values;
    }

    /** Options of {@code owner} (for example {@code strategy "genetic"}), used in messages. */
    public static Options of(String owner, Map<String, Object> values) {
        return new Options(owner, values);
    }

    public int intOption(String name, int fallback, int min, int max) {
        known.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be an integer from " + min + " to " + max + ", got " + v);
        }
        long x = n.longValue();
        if (x < min || x > max) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be from " + min + " to " + max + ", got " + x);
        }
        return (int) x;
    }

    public double doubleOption(String name, double fallback, double min, double max) {
        known.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be a number from " + min + " to " + max + ", got " + v);
        }
        double x = n.doubleValue();
        if (x < min || x > max) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be from " + min + " to " + max + ", got " + x);
        }
        return x;
    }

    public boolean booleanOption(String name, boolean fallback) {
        known.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be true or false, got " + v);
        }
        return b;
    }

    public String choiceOption(String name, String fallback, List<String> allowed) {
        known.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s) || !allowed.contains(s)) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be one of " + allowed + ", got " + v);
        }
        return s;
    }

    public String stringOption(String name, String fallback) {
        known.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw TunelabException.invalidSpec(owner + ": option " + name + " must be a non-empty string, got " + v);
        }
        return s;
    }

    /** Rejects any option that was not read. */
    public void done() {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw TunelabException.invalidSpec(owner + ": unknown option \"" + name + "\"; allowed options: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
    }
}
