package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A file attached to a trial (a model, checkpoint, plot or log), as the API lists it: its name
 * (unique within the trial), its size in bytes, the SHA-256 (lower-case hex) of its content, by
 * which the server stores it once however many trials attach it, when it was stored and the
 * name of the token that stored it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Artifact(String name, long size, String sha256, Instant created, String createdBy) {
    /** The longest artifact name. */
    public static final int MAX_NAME_LENGTH = 200;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    /**
     * Refuses a name that is not a plain file name: empty, longer than {@value #MAX_NAME_LENGTH}
     * characters, holding anything but letters, digits, {@code . _ -} (so no path separators,
     * spaces or control characters), starting with a dot or a dash, or made of dots only.
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "an artifact needs a name, as \"loss-curve.png\"");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "artifact name is " + name.length()
                    + " characters long; it may have at most " + MAX_NAME_LENGTH, Map.of("length", name.length()));
        }
        if (!NAME.matcher(name).matches()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "artifact name \"" + printable(name) + "\" is not a plain file "
                    + "name; use letters, digits, '.', '_' and '-' only, not starting with '.' or '-' (no '/', '\\' or '..'), "
                    + "as \"checkpoint-3.bin\"");
        }
        return name;
    }

    private static String printable(String s) {
        var out = new StringBuilder();
        s.codePoints().limit(MAX_NAME_LENGTH).forEach(c -> {
            if (Character.getType(c) == Character.CONTROL) { // C0, DEL and C1 (U+0080–U+009F)
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
