package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.TunelabException;

/**
 * The experiment or token a command names, checked before any request: an empty name, "." or
 * ".." would change the request's path (to the list of experiments, or to no route), and a name
 * longer than any name may be would be refused by the server as a too-long URL with no message.
 */
final class Reference {
    private Reference() {
    }

    /** The experiment's name or id as given, or an error that says what was wrong. */
    static String experiment(String ref) {
        return check(ref, "experiment's name or id", ExperimentSpec.MAX_NAME_LENGTH, "tunelab experiments");
    }

    /** The token's name as given, or an error that says what was wrong. */
    static String token(String name) {
        return check(name, "token's name", 64, "tunelab token list");
    }

    private static String check(String ref, String what, int maxLength, String lister) {
        if (ref == null || ref.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the " + what + " is empty; give one, as " + lister + " shows them");
        }
        if (ref.equals(".") || ref.equals("..")) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "\"" + ref + "\" is not a name; give the " + what + ", as "
                    + lister + " shows them");
        }
        if (ref.length() > maxLength) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the " + what + " is " + ref.length() + " characters long; names "
                    + "have at most " + maxLength + ", as " + lister + " shows them");
        }
        return ref;
    }
}
