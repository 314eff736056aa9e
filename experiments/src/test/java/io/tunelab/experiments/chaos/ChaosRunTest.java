package io.tunelab.experiments.chaos;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is lost: clients (simulated workers holding leases, and clients whose tells
 * bring the next trial under request ids) drive a real server process while it is killed with
 * SIGKILL ten times at random moments and restarted on the same H2 files; afterwards every
 * acknowledged ask, lease, report and tell is stored, no trial number repeats, a resend under a
 * request id made no second trial, and the experiment goes on. {@link ChaosBenchmark} runs the same with 200
 * kills.
 */
@Tag("slow")
class ChaosRunTest {
    private static final Duration MIN_LIFE = Duration.ofMillis(700);
    private static final Duration MAX_LIFE = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedAskReportAndTellSurvivesTenKills() throws Exception {
        assertClean(new ChaosRun(new ChaosOptions(8, 10, MIN_LIFE, MAX_LIFE, "process", ChaosOptions.Mode.ASK_TELL, 11, dir)).run());
    }

    @Test
    void everyAcknowledgedLeaseHeartbeatReportAndTellOfWorkersSurvivesTenKills() throws Exception {
        ChaosReport report = new ChaosRun(new ChaosOptions(8, 10, MIN_LIFE, MAX_LIFE, "process", ChaosOptions.Mode.LEASES, 12, dir)).run();
        assertClean(report);
        assertThat(report.resends()).as("acknowledged tells sent again under their request id").isPositive();
    }

    @Test
    void everyTellThatBringsTheNextTrialAnswersItsResendsAcrossTenKills() throws Exception {
        ChaosReport report = new ChaosRun(new ChaosOptions(8, 10, MIN_LIFE, MAX_LIFE, "process", ChaosOptions.Mode.NEXT, 14, dir)).run();
        assertClean(report);
        assertThat(report.resends()).as("acknowledged asks and tells sent again as after a lost reply").isPositive();
        assertThat(report.unacknowledged()).as("stored trials handed to no client").isZero();
    }

    @Test
    void theFsyncDurabilityLosesNothingEither() throws Exception {
        assertClean(new ChaosRun(new ChaosOptions(4, 4, MIN_LIFE, MAX_LIFE, "fsync", ChaosOptions.Mode.ASK_TELL, 13, dir)).run());
    }

    private static void assertClean(ChaosReport report) {
        assertThat(report.tells()).as("tells acknowledged: the run did work between kills").isGreaterThan(report.kills());
        assertThat(report.reports()).isGreaterThan(report.kills());
        assertThat(report.problems()).as(report.row()).isEmpty();
        assertThat(report.lost()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.serverErrors()).as("5xx replies").isZero();
    }
}
