package io.tunelab.experiments.chaos;

import java.time.Duration;
import java.util.List;

/**
 * What a chaos run found. {@code asks} counts acknowledged asks (or leases), {@code reports} and
 * {@code tells} acknowledged reports and tells; a tell retried after a kill and refused because
 * the first attempt had landed counts among {@code tells} too, and is checked the same way;
 * {@code resends} counts acknowledged requests sent again under their request id, as after a lost
 * reply, that answered the same trial (one that did not is a loss).
 * {@code lost} counts acknowledged writes that the stored state does not show; {@code duplicated}
 * counts trial numbers stored more than once; {@code unacknowledged} counts stored trials handed
 * to no client (an ask, lease or tell with next that landed before a kill and was resent: without
 * a request id, as the plain asks are sent, a new trial; with one, a loss counted in {@code lost});
 * {@code serverErrors} counts 5xx replies.
 * {@code problems} describes the first few losses.
 */
public record ChaosReport(ChaosOptions.Mode mode, String durability, int clients, int kills, long asks, long reports,
                          long tells, long resends, long lost, long duplicated, long unacknowledged, long serverErrors, long storedTrials, Duration elapsed,
                          Duration meanRestart, List<String> problems) {
    public ChaosReport {
        problems = List.copyOf(problems);
    }

    /** The acknowledged writes of every kind. */
    public long acknowledged() {
        return asks + reports + tells;
    }

    /** One row of the benchmark's table. */
    public String row() {
        return String.format("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.0f s | %.2f s |", mode,
                durability, clients, kills, asks, reports, tells, resends, lost, duplicated, unacknowledged, serverErrors, storedTrials, elapsed.toMillis() / 1000.0,
                meanRestart.toMillis() / 1000.0);
    }

    public static String header() {
        return "| mode | durability | clients | kills | asks | reports | tells | resends answered alike | lost | duplicated"
                + " | handed to no client | 5xx | stored trials | time | mean restart |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
