package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * "Active only when {@code parent} has one of {@code values}". In a spec it is written as a
 * one-entry map, {@code when: {optimizer: sgd}} or {@code when: {optimizer: [sgd, nesterovs]}}.
 */
public record Condition(String parent, List<Object> values) {
    public Condition {
        Objects.requireNonNull(parent, "parent");
        if (values == null || values.isEmpty()) {
            throw TunelabException.invalidSpec("when: {" + parent + ": …} must name at least one value");
        }
        values = List.copyOf(values);
    }

    public static Condition of(String parent, Object... values) {
        return new Condition(parent, List.of(values));
    }

    @JsonCreator
    static Condition fromJson(Map<String, Object> map) {
        if (map == null || map.size() != 1) {
            throw TunelabException.invalidSpec("when must name exactly one parent param, as {parent: value}, got " + map);
        }
        var entry = map.entrySet().iterator().next();
        Object v = entry.getValue();
        if (v == null) {
            throw TunelabException.invalidSpec("when: {" + entry.getKey() + ": …} must name a value");
        }
        return new Condition(entry.getKey(), v instanceof List<?> list ? List.copyOf(list) : List.of(v));
    }

    @JsonValue
    Map<String, Object> toJson() {
        var map = new LinkedHashMap<String, Object>();
        map.put(parent, values.size() == 1 ? values.getFirst() : values);
        return map;
    }

    /** Whether a parent value satisfies this condition. */
    public boolean accepts(Object parentValue) {
        for (Object v : values) {
            if (CategoricalParam.same(v, parentValue)) {
                return true;
            }
        }
        return false;
    }
}
