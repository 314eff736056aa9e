package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered params of an experiment, by name. A conditional param names a parent that
 * comes before it, and a value the parent can take; so params can be assigned in order and
 * {@link #isActive} decided from what was assigned before.
 */
public record SearchSpace(Map<String, Param> params) {
    /**
     * The prefix of the keys a strategy adds to a trial's params to record its lineage
     * (population-based training's {@code pbt.parent}, {@code pbt.generation}, ...). No param
     * may take such a name; {@link #validate} carries such keys through unchanged.
     */
    public static final String RESERVED = "pbt.";

    public SearchSpace {
        var copy = new LinkedHashMap<String, Param>();
        if (params != null) {
            for (var e : params.entrySet()) {
                String name = e.getKey();
                Param p = e.getValue();
                if (name == null || name.isBlank()) {
                    throw TunelabException.invalidSpec("every param needs a non-blank name");
                }
                if (name.startsWith(RESERVED)) {
                    throw TunelabException.invalidSpec("param \"" + name + "\": names starting with \"" + RESERVED
                            + "\" are reserved for the lineage population-based training records; rename it");
                }
                if (p == null) {
                    throw TunelabException.invalidSpec("param \"" + name + "\" needs a definition such as {type: float, low: 0, high: 1}");
                }
                if (p.when() != null) {
                    checkCondition(name, p.when(), copy);
                }
                copy.put(name, p);
            }
        }
        params = Collections.unmodifiableMap(copy);
    }

    private static void checkCondition(String name, Condition when, Map<String, Param> earlier) {
        Param parent = earlier.get(when.parent());
        if (parent == null) {
            throw TunelabException.invalidSpec("param \"" + name + "\": when names \"" + when.parent()
                    + "\", which is not a param defined before it; defined before it: " + earlier.keySet());
        }
        for (Object v : when.values()) {
            try {
                parent.coerce(v);
            } catch (TunelabException e) {
                throw TunelabException.invalidSpec("param \"" + name + "\": when " + when.parent() + " = " + v
                        + " can never hold: " + e.getMessage());
            }
        }
    }

    @JsonCreator
    static SearchSpace fromJson(LinkedHashMap<String, Param> params) {
        return new SearchSpace(params);
    }

    @JsonValue
    @Override
    public Map<String, Param> params() {
        return params;
    }

    public static SearchSpace empty() {
        return new SearchSpace(Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> names() {
        return List.copyOf(params.keySet());
    }

    public Param get(String name) {
        return params.get(name);
    }

    public int size() {
        return params.size();
    }

    /** The same space with one more param at the end (define-by-run). */
    public SearchSpace with(String name, Param param) {
        var copy = new LinkedHashMap<>(params);
        copy.put(name, param);
        return new SearchSpace(copy);
    }

    /** Whether a param is active given the values assigned to the params before it. */
    public boolean isActive(String name, Map<String, Object> assigned) {
        Param p = params.get(name);
        if (p == null) {
            return false;
        }
        Condition when = p.when();
        if (when == null) {
            return true;
        }
        return assigned.containsKey(when.parent()) && isActive(when.parent(), assigned)
                && when.accepts(assigned.get(when.parent()));
    }

    /**
     * Checks a full assignment against the space: every active param has a value of its kind,
     * no inactive or unknown param has one. Returns the values in canonical types and order,
     * followed by any lineage keys ({@link #RESERVED}) as they were.
     */
    public Map<String, Object> validate(Map<String, Object> values) {
        var out = new LinkedHashMap<String, Object>();
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (!isActive(name, out)) {
                continue;
            }
            if (!values.containsKey(name)) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\" is active but has no value");
            }
            try {
                out.put(name, e.getValue().coerce(values.get(name)));
            } catch (TunelabException ex) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\": " + ex.getMessage());
            }
        }
        for (String name : values.keySet()) {
            if (name.startsWith(RESERVED)) {
                out.put(name, values.get(name));
            } else if (!out.containsKey(name)) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\" is "
                        + (params.containsKey(name) ? "inactive for these values" : "not in the search space " + params.keySet()));
            }
        }
        return out;
    }

    /** Builds a space param by param, in order. */
    public static final class Builder {
        private final LinkedHashMap<String, Param> params = new LinkedHashMap<>();

        public Builder add(String name, Param param) {
            params.put(name, param);
            return this;
        }

        public SearchSpace build() {
            return new SearchSpace(params);
        }
    }
}
