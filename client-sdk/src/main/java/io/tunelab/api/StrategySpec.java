package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Which search strategy proposes the trials, its seed, and its options (for example
 * {@code {population: 24}} for {@code genetic}). The server checks the name and the
 * options and answers with the allowed values when they are wrong.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StrategySpec(String name, Long seed, Map<String, Object> options) {
    public static final String DEFAULT = "auto";

    public StrategySpec {
        if (name == null || name.isBlank()) {
            name = DEFAULT;
        }
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static StrategySpec of(String name) {
        return new StrategySpec(name, null, Map.of());
    }

    public static StrategySpec of(String name, long seed) {
        return new StrategySpec(name, seed, Map.of());
    }
}
