package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What people attach to an experiment to find it again: tags (short words, sorted, no
 * duplicates), free-text notes, and whether it is archived (hidden from the experiments page
 * unless asked for). Nothing here changes how the experiment runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentLabels(List<String> tags, String notes, boolean archived) {
    public static final int MAX_TAGS = 32;
    public static final int MAX_TAG_LENGTH = 64;
    public static final int MAX_NOTES_LENGTH = 10_000;
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");

    public ExperimentLabels {
        tags = tags == null ? List.of() : tags.stream().distinct().sorted().toList();
        if (tags.size() > MAX_TAGS) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "an experiment may have at most " + MAX_TAGS + " tags, got "
                    + tags.size(), Map.of("tags", tags.size()));
        }
        for (String tag : tags) {
            checkTag(tag);
        }
        if (notes != null && notes.length() > MAX_NOTES_LENGTH) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "notes are " + notes.length() + " characters long; they may have at most "
                    + MAX_NOTES_LENGTH);
        }
    }

    public static ExperimentLabels none() {
        return new ExperimentLabels(List.of(), null, false);
    }

    /** Refuses a tag that is empty, too long, or holds anything but letters, digits and {@code . _ : / -}. */
    public static String checkTag(String tag) {
        if (tag == null || tag.length() > MAX_TAG_LENGTH || !TAG.matcher(tag).matches()) {
            String given = tag != null && tag.length() > MAX_TAG_LENGTH ? "a tag of " + tag.length() + " characters" : "tag \"" + tag + "\"";
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, given + " is not valid; a tag is 1 to " + MAX_TAG_LENGTH
                    + " letters, digits, '.', '_', ':', '/' or '-', starting with a letter or digit, as \"baseline\"");
        }
        return tag;
    }

    public ExperimentLabels withTags(List<String> tags) {
        return new ExperimentLabels(tags, notes, archived);
    }

    /**
     * The labels with new notes, which may hold line breaks and tabs but no other control
     * character (an escape sequence would reach every terminal that prints them).
     */
    public ExperimentLabels withNotes(String notes) {
        if (notes != null && notes.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "notes hold a control character other than a line break or a "
                    + "tab; write them as plain text");
        }
        return new ExperimentLabels(tags, notes, archived);
    }

    public ExperimentLabels withArchived(boolean archived) {
        return new ExperimentLabels(tags, notes, archived);
    }
}
