package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an acknowledged write survives. Storage answers a write only once its group commit has
 * reached the level chosen here; one commit (and, with {@link #FSYNC}, one fsync) serves every
 * write of the group.
 */
public enum Durability {
    /**
     * The default: the commit is in the database file (in the operating system's cache) before
     * the reply, so it survives any death of the server process (SIGKILL, an OOM kill, a crash),
     * but not a power loss or a kernel crash within the next few seconds.
     */
    PROCESS,
    /**
     * Also forces every group commit to the disk (fsync) before the reply, like PostgreSQL's
     * {@code synchronous_commit=on}: survives power loss, at the cost of one fsync per group.
     */
    FSYNC;

    /** The name used on the command line. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line value ({@code process} or {@code fsync}). */
    public static Durability parse(String value) {
        for (Durability d : values()) {
            if (d.flag().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return d;
            }
        }
        throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--durability must be one of "
                + Arrays.stream(values()).map(Durability::flag).collect(Collectors.joining(", ")) + ", got \"" + value + "\"");
    }
}
