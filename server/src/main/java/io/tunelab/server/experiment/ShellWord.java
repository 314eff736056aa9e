package io.tunelab.server.experiment;

import java.util.regex.Pattern;

/**
 * A name as one word of a shell command line, for the commands that messages suggest
 * ({@code tunelab sweep resume NAME}): single-quoted when it holds anything a POSIX shell would
 * split or interpret (a space, a quote, {@code $}, {@code *}), so the suggested command works
 * when pasted. Stateless.
 */
public final class ShellWord {
    private static final Pattern PLAIN = Pattern.compile("[\\p{L}\\p{N}._:/@%+=,-]+");

    private ShellWord() {
    }

    /** {@code text} as it is when the shell would keep it one word, else in single quotes ({@code '} written {@code '\''}). */
    public static String of(String text) {
        return PLAIN.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
    }
}
