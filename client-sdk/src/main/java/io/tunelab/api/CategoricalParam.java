package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** One of a list of choices: strings, numbers or booleans, compared by value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CategoricalParam(List<Object> choices, Condition when) implements Param {
    public CategoricalParam {
        if (choices == null || choices.isEmpty()) {
            throw TunelabException.invalidSpec("choices must list at least one value");
        }
        for (Object c : choices) {
            if (!(c instanceof String || c instanceof Number || c instanceof Boolean)) {
                throw TunelabException.invalidSpec("choices must be strings, numbers or booleans, got " + c);
            }
        }
        choices = List.copyOf(choices);
        if (new HashSet<>(choices).size() != choices.size()) {
            throw TunelabException.invalidSpec("choices must be distinct, got " + choices);
        }
    }

    public static CategoricalParam of(Object... choices) {
        return new CategoricalParam(List.of(choices), null);
    }

    @Override
    public CategoricalParam withWhen(Condition when) {
        return new CategoricalParam(choices, when);
    }

    /** The position of a value among the choices, or -1. Numbers compare by numeric value. */
    public int indexOf(Object value) {
        for (int i = 0; i < choices.size(); i++) {
            if (same(choices.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }

    @Override
    public Object coerce(Object value) {
        int i = indexOf(value);
        if (i < 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, value + " is not one of " + choices);
        }
        return choices.get(i);
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDiscrete() {
        return true;
    }

    @Override
    public long cardinality() {
        return choices.size();
    }
}
