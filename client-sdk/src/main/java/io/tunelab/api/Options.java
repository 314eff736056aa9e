package io.tunelab.api;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one reader of map-valued settings: a strategy's or a pruner's {@code options}, a part of a
 * worker's task ({@code dataset}, {@code preprocessing}, …). Reads field by field into typed,
 * validated values; every error is INVALID_SPEC and names the dotted path of the field and what
 * would be right: {@code preprocessing.scaling: "zscore" is not an option; options: none,
 * standard, minmax, robust}. After reading, {@link #done()} rejects fields nobody read, so a
 * typo is an error rather than a silently ignored setting.
 *
 * <p>Values are read leniently, as a YAML or JSON spec may write them: a number may be given
 * as text, a choice in any case, a boolean as yes/no. One instance reads one map once, on one
 * thread.
 */
public final class Options {
    private final String path;
    private final Map<String, Object> map;
    private final Set<String> read = new LinkedHashSet<>();

    private Options(String path, Map<String, Object> map) {
        this.path = path;
        this.map = map;
    }

    /**
     * The fields at {@code path} (for example {@code strategy.options}, or {@code ""} for a
     * spec's top level), from a value that must be a map, or absent, which reads as empty.
     */
    public static Options of(String path, Object value) {
        if (value == null) {
            return new Options(path, Map.of());
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw TunelabException.invalidSpec(path + " must be a map of fields, got " + value);
        }
        var copy = new LinkedHashMap<String, Object>();
        m.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return new Options(path, copy);
    }

    public String path() {
        return path;
    }

    /** The dotted path of a field, as messages name it: {@code model.units}. */
    public String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether a field is given (and not null); does not count as reading it. */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    private Object raw(String key) {
        read.add(key);
        return map.get(key);
    }

    /** A map-valued field, read with its own dotted path. */
    public Options section(String key) {
        return of(name(key), raw(key));
    }

    /** A single value as text, stripped; the fallback when absent. */
    public String string(String key, String fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw TunelabException.invalidSpec(name(key) + " must be a single value, got " + v);
        }
        return String.valueOf(v).strip();
    }

    /** One of some options, compared case-insensitively, returned in lower case. */
    public String choice(String key, String fallback, List<String> options) {
        String v = string(key, fallback);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!options.contains(lower)) {
            throw TunelabException.invalidSpec(name(key) + ": \"" + v + "\" is not an option; options: "
                    + String.join(", ", options));
        }
        return lower;
    }

    public double number(String key, double fallback) {
        Double v = optionalNumber(key);
        return v == null ? fallback : v;
    }

    /** A finite number, or null when absent. */
    public Double optionalNumber(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(String.valueOf(v).strip());
            } catch (NumberFormatException e) {
                throw TunelabException.invalidSpec(name(key) + " must be a number, got \"" + v + "\"");
            }
        }
        if (!Double.isFinite(d)) {
            throw TunelabException.invalidSpec(name(key) + " must be a finite number, got " + v);
        }
        return d;
    }

    /** A number within [low, high]. */
    public double number(String key, double fallback, double low, double high) {
        double v = number(key, fallback);
        if (v < low || v > high) {
            throw TunelabException.invalidSpec(name(key) + " must be from " + low + " to " + high + ", got " + v);
        }
        return v;
    }

    /** A whole number, or null when absent. */
    public Integer optionalInteger(String key) {
        Double v = optionalNumber(key);
        if (v == null) {
            return null;
        }
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw TunelabException.invalidSpec(name(key) + " must be a whole number, got " + map.get(key));
        }
        return v.intValue();
    }

    /** A whole number within [low, high]. */
    public int integer(String key, int fallback, int low, int high) {
        Integer v = optionalInteger(key);
        int i = v == null ? fallback : v;
        if (i < low || i > high) {
            throw TunelabException.invalidSpec(name(key) + " must be from " + low + " to " + high + ", got " + i);
        }
        return i;
    }

    /** A non-empty list of finite numbers (a single number reads as a list of one); the fallback when absent. */
    public List<Double> numbers(String key, List<Double> fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        var items = v instanceof List<?> l ? l : List.of(v);
        if (items.isEmpty()) {
            throw TunelabException.invalidSpec(name(key) + " must list at least one number, as [0.8, 1.2]");
        }
        var out = new java.util.ArrayList<Double>();
        for (Object item : items) {
            double d;
            try {
                d = item instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(item).strip());
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!Double.isFinite(d)) {
                throw TunelabException.invalidSpec(name(key) + " must list finite numbers, as [0.8, 1.2], got " + v);
            }
            out.add(d);
        }
        return List.copyOf(out);
    }

    /** A list of single values as text, stripped (a single value reads as a list of one; "" is a value); the fallback when absent. */
    public List<String> texts(String key, List<String> fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        var out = new java.util.ArrayList<String>();
        for (Object item : v instanceof List<?> l ? l : List.of(v)) {
            if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
                throw TunelabException.invalidSpec(name(key) + " must list names, as [id, name], got " + v);
            }
            out.add(String.valueOf(item).strip());
        }
        return List.copyOf(out);
    }

    /** true or false, also written as yes/no, on/off or 1/0. */
    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(v).strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw TunelabException.invalidSpec(name(key) + " must be true or false, got \"" + v + "\"");
        };
    }

    /** Rejects fields that were never read: they are typos or fields that do not exist. */
    public void done() {
        for (String key : map.keySet()) {
            if (!read.contains(key)) {
                throw TunelabException.invalidSpec(name(key) + ": unknown field; known fields: "
                        + (read.isEmpty() ? "none" : String.join(", ", read)));
            }
        }
    }
}
