package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A change to an experiment's name and labels ({@code PATCH /api/experiments/{ref}}): each field
 * that is set replaces the experiment's; a null field leaves it as it is. {@code addTags} and
 * {@code removeTags} change the tags one by one (applied after {@code tags}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentPatch(String name, List<String> tags, List<String> addTags, List<String> removeTags, String notes,
                              Boolean archived) {

    public static ExperimentPatch rename(String name) {
        return new ExperimentPatch(name, null, null, null, null, null);
    }

    public static ExperimentPatch archive(boolean archived) {
        return new ExperimentPatch(null, null, null, null, null, archived);
    }

    public static ExperimentPatch notes(String notes) {
        return new ExperimentPatch(null, null, null, null, notes, null);
    }

    public static ExperimentPatch tagging(List<String> add, List<String> remove) {
        return new ExperimentPatch(null, null, add, remove, null, null);
    }

    /** Whether the patch changes nothing at all. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return name == null && tags == null && addTags == null && removeTags == null && notes == null && archived == null;
    }
}
