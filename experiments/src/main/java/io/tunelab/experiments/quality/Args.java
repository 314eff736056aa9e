package io.tunelab.experiments.quality;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line flags of the form {@code --name value} or a bare {@code --flag}. */
public record Args(Map<String, String> values) {

    public static Args parse(String[] args) {
        var map = new HashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name [value], got " + args[i]);
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            map.put(name, hasValue ? args[++i] : "true");
        }
        return new Args(Map.copyOf(map));
    }

    public boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The option's whole number; one that is not a whole number is refused, naming the option. */
    public int integer(String name, int fallback) {
        return values.containsKey(name) ? wholeNumber("--" + name, values.get(name)) : fallback;
    }

    /** {@code value} of {@code option} (written with its dashes) as a whole number; anything else is refused naming both. */
    public static int wholeNumber(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got \"" + value + "\"", e);
        }
    }

    /**
     * A strategy or pruner with options, written {@code name:key=value:key=value} (for example
     * {@code cmaes:population=20:sigma0=0.3}); numbers become Integer or Double.
     */
    public record Named(String text, String name, Map<String, Object> options) {
        public static Named parse(String text) {
            String[] parts = text.split(":");
            var options = new LinkedHashMap<String, Object>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("expected key=value in " + text + ", got " + parts[i]);
                }
                options.put(kv[0], number(kv[1]));
            }
            return new Named(text, parts[0], options);
        }

        private static Object number(String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e2) {
                    return v;
                }
            }
        }
    }

    public List<String> list(String name, List<String> fallback) {
        return values.containsKey(name) ? Arrays.asList(values.get(name).split(",")) : fallback;
    }
}
