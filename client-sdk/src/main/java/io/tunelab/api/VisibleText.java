package io.tunelab.api;

/**
 * Text from callers (experiment, worker and token names, reasons, problems) as a log line, a
 * terminal or a message can show it without being told to do anything: control, format and
 * line-separator characters (newlines, escape sequences, carriage returns, bidirectional
 * overrides, zero-width characters) and surrogates without their pair become visible
 * {@code \}{@code uXXXX} escapes. The one such rule for the server's log, the CLI and the
 * messages that repeat a refused name. Stateless.
 */
public final class VisibleText {
    private VisibleText() {
    }

    /** {@code text} with each hidden character escaped; "null" for null. */
    public static String of(Object text) {
        String s = String.valueOf(text);
        int first = firstHidden(s);
        if (first < 0) {
            return s;
        }
        var out = new StringBuilder(s.length() + 16).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (hiddenAt(s, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The index of the first hidden character of {@code s}, or -1 when it has none. */
    public static int firstHidden(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (hiddenAt(s, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean hiddenAt(String s, int i) {
        char c = s.charAt(i);
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            case Character.SURROGATE -> Character.isHighSurrogate(c)
                    ? i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
            default -> false;
        };
    }
}
