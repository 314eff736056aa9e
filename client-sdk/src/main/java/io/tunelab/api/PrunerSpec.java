package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Which pruner decides on intermediate reports, and its options (for example
 * {@code {warmup_steps: 5}} or {@code {min_resource: 1, reduction_factor: 3}}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PrunerSpec(String name, Map<String, Object> options) {
    public static final String NONE = "none";

    public PrunerSpec {
        if (name == null || name.isBlank()) {
            name = NONE;
        }
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static PrunerSpec none() {
        return new PrunerSpec(NONE, Map.of());
    }

    public static PrunerSpec of(String name) {
        return new PrunerSpec(name, Map.of());
    }
}
