package io.tunelab.server.experiment;

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

    /** {@code text} with its control and format characters escaped and its length capped; "null" for null. */
    public static String of(Object text) {
        String s = String.valueOf(text);
        var out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8);
        for (int i = 0; i < s.length() && out.length() < MAX_CHARS; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX_CHARS && s.length() > MAX_CHARS) {
            out.append("…");
        }
        return out.toString();
    }
}
