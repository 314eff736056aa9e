package io.tunelab.server.experiment;

import io.tunelab.api.VisibleText;

/**
 * Text from callers (experiment, worker and token names, reasons, paths) made safe to write into
 * a log line: control and format characters (newlines, escape sequences, bidirectional overrides)
 * become visible {@code \}{@code uXXXX} escapes, so one name cannot forge or hide log lines, and
 * long text is cut at {@value #MAX_CHARS} characters. Stateless.
 */
public final class LogText {
    static final int MAX_CHARS = 300;

    private LogText() {
    }

    /** {@code text} with its control and format characters escaped ({@link VisibleText}) and its length capped; "null" for null. */
    public static String of(Object text) {
        String s = String.valueOf(text);
        // Escaping only lengthens text, so no more than the cap of it is ever needed.
        String shown = VisibleText.of(s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s);
        return shown.length() > MAX_CHARS || s.length() > MAX_CHARS ? shown.substring(0, Math.min(MAX_CHARS, shown.length())) + "…" : shown;
    }
}
