package io.tunelab.server.http.auth;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a token may do. {@code read}: every GET. {@code write}: launch, pause, resume, stop, ask,
 * tell, report, suggest (and read). {@code worker}: lease, heartbeat, report, tell, release,
 * upload a model under its lease, put a data report. {@code admin}: tokens, and everything else.
 */
public enum Scope {
    READ, WRITE, WORKER, ADMIN;

    /** The scope's name on the wire and on the command line, as {@code read}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether holding this scope grants {@code needed}. */
    boolean grants(Scope needed) {
        return this == ADMIN || this == needed || (this == WRITE && needed == READ);
    }

    public static Scope parse(String name) {
        for (Scope s : values()) {
            if (s.wireName().equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "unknown scope \"" + name + "\"; scopes are "
                + String.join(", ", Arrays.stream(values()).map(Scope::wireName).toList()));
    }
}
