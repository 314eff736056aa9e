package io.tunelab.experiments.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One chaos run: how many clients drive the server, how many times it is killed, how long it
 * lives between kills (uniform in [minLife, maxLife]), the durability flag it runs with, how the
 * clients drive it (ask and tell, lease as workers do, or tell with next as {@code optimize()}
 * does), the seed of every random choice, and where its data directory goes.
 */
public record ChaosOptions(int clients, int kills, Duration minLife, Duration maxLife, String durability, Mode mode,
                           long seed, Path workDir) {

    /** How the clients drive the server. */
    public enum Mode {
        /** SDK-style: ask a trial, report three steps, tell the result. */
        ASK_TELL,
        /**
         * Worker-style: lease a trial, heartbeat, report three steps, tell the result under the
         * lease and a request id kept across resends, asking for no reply body.
         */
        LEASES,
        /**
         * The SDK's {@code optimize()} loop: a leased ask, heartbeat and report three steps, then a
         * tell with {@code "next": true} that brings the next trial; every ask and tell carries a
         * request id, the same on each resend, so a request that landed before a kill answers its
         * resend as it answered (or would have answered) the first attempt.
         */
        NEXT
    }

    public ChaosOptions {
        if (clients < 1 || kills < 0) {
            throw new IllegalArgumentException("clients must be 1 or more and kills 0 or more, got " + clients + " and " + kills);
        }
        if (minLife.isNegative() || maxLife.compareTo(minLife) < 0) {
            throw new IllegalArgumentException("the life between kills must be a range, got " + minLife + " to " + maxLife);
        }
    }
}
