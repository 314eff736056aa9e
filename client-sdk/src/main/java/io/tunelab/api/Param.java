package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One dimension of a {@link SearchSpace}: a float, an int or a categorical value, optionally
 * active only when a parent param has one of some values ({@link Condition}). A param does
 * not know its own name; the search space names it and prefixes its validation messages.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FloatParam.class, name = "float"),
        @JsonSubTypes.Type(value = IntParam.class, name = "int"),
        @JsonSubTypes.Type(value = CategoricalParam.class, name = "categorical")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Param permits FloatParam, IntParam, CategoricalParam {

    /** The condition under which this param is active, or null when it always is. */
    Condition when();

    /** The same param with another condition. */
    Param withWhen(Condition when);

    /**
     * The value in this param's canonical Java type ({@code Double}, {@code Integer}, or the
     * matching choice), or an exception naming the allowed range when it is not a value of
     * this param.
     */
    Object coerce(Object value);

    /** Whether the param has finitely many values (ints, categoricals, floats with a step). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    boolean isDiscrete();

    /** The number of distinct values, or -1 when the param is continuous. */
    long cardinality();
}
