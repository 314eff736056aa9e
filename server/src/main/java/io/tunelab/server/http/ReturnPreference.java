package io.tunelab.server.http;

import java.util.List;
import java.util.Locale;

/**
 * The {@code Prefer} request header (RFC 7240) as far as the server honours it: {@code
 * return=minimal}, with which a caller that does not read a reply's body asks for none. Other
 * preferences, and parameters after {@code ;}, are ignored, as the RFC asks of a server that does
 * not know them.
 */
final class ReturnPreference {
    static final String HEADER = "Prefer";
    static final String APPLIED = "Preference-Applied";
    static final String MINIMAL = "return=minimal";

    private ReturnPreference() {
    }

    /** Whether the {@code Prefer} headers of a request ({@code values}, each a comma-separated list) ask for {@code return=minimal}. */
    static boolean minimal(List<String> values) {
        for (String value : values) {
            if (value.equalsIgnoreCase(MINIMAL)) {
                return true; // as the SDK sends it: every tell of it asks, so no split for it
            }
            for (String preference : value.split(",")) {
                String token = preference.split(";", 2)[0].replace("\"", "").replace(" ", "").replace("\t", "");
                if (token.toLowerCase(Locale.ROOT).equals(MINIMAL)) {
                    return true;
                }
            }
        }
        return false;
    }
}
