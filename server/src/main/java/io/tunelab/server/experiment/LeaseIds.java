package io.tunelab.server.experiment;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The form of the lease ids the server hands out: random UUIDs. A text of another form cannot
 * name a lease, so an upload or a command that names one is refused before anything is sent or read.
 */
public final class LeaseIds {
    /** A lease id of the right form, for messages that show one. */
    public static final String EXAMPLE = "0b6f3c1e-8d2a-4f5b-9c7e-2a1d4e6f8b90";
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            Pattern.CASE_INSENSITIVE);

    private LeaseIds() {
    }

    /** A new lease id. */
    static String next() {
        return UUID.randomUUID().toString();
    }

    /** Whether {@code text} has the form of a lease id the server hands out. */
    public static boolean hasForm(String text) {
        return text != null && FORM.matcher(text).matches();
    }
}
