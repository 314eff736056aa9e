package io.tunelab.experiments.throughput;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A window of a phase is taken in the order its units finished, whatever order they were recorded
 * in, and timed from the unit finished just before it, so a window in the middle of a phase has no
 * start of its own.
 */
class LoadTest {
    private static final long MS = 1_000_000;

    @Test
    void aWindowIsItsUnitsInTheOrderTheyFinishedTimedFromTheUnitBefore() {
        var latencies = new Load.Latencies(400);
        long start = 5_000 * MS;
        // 400 units, one every ms, recorded out of order in pairs; unit k's latency is k ms.
        for (int k = 0; k < 400; k += 2) {
            latencies.add((k + 1) * MS, start + (k + 2) * MS);
            latencies.add(k * MS, start + (k + 1) * MS);
        }
        var phase = new Load.Phase(400, start, latencies, 0, 0, 0, 0, 0, new Load.Cores(0, 0, 0));

        Load.Window first = phase.window(0, 100);
        assertThat(first.count()).isEqualTo(100);
        assertThat(first.rate()).isCloseTo(1000.0, within(1e-9)); // 100 units in the 100 ms from the start
        assertThat(first.p50()).isEqualTo(49.0);
        assertThat(first.p99()).isEqualTo(98.0);
        assertThat(first.timeline()).containsExactly(100.0);

        Load.Window last = phase.window(200, 400);
        assertThat(last.rate()).isCloseTo(1000.0, within(1e-9)); // from unit 199's finish (200 ms) to unit 399's (400 ms)
        assertThat(last.p50()).isEqualTo(299.0);
        assertThat(last.p99()).isEqualTo(397.0);
        assertThat(last.timeline()).containsExactly(100.0, 100.0);

        assertThat(phase.all().count()).isEqualTo(400);
        assertThat(phase.all().rate()).isCloseTo(1000.0, within(1e-9));
    }

    @Test
    void aStallInsideAWindowSlowsItsRateAndShowsInItsTimeline() {
        var latencies = new Load.Latencies(300);
        long start = 0;
        for (int k = 0; k < 300; k++) {
            long at = (k + 1) * MS + (k >= 250 ? 50 * MS : 0); // a 50 ms stall before unit 250
            latencies.add(MS, start + at);
        }
        var phase = new Load.Phase(300, start, latencies, 0, 0, 0, 0, 0, new Load.Cores(0, 0, 0));

        assertThat(phase.window(100, 200).rate()).isCloseTo(1000.0, within(1e-9));
        Load.Window stalled = phase.window(200, 300);
        assertThat(stalled.rate()).isCloseTo(100 / 0.150, within(1e-6));
        assertThat(stalled.timeline()).containsExactly(150.0);
    }

    @Test
    void theCoresOfAPhaseAreSharesOfTheMachinesTicksBetweenItsTwoReadings() {
        // busy 150, idle 50, stolen 50 ticks between the readings
        Load.Cores cores = Load.Cores.between(new long[] {100, 50, 0}, new long[] {250, 100, 50});
        assertThat(cores.busy()).isCloseTo(0.6, within(1e-9));
        assertThat(cores.idle()).isCloseTo(0.2, within(1e-9));
        assertThat(cores.steal()).isCloseTo(0.2, within(1e-9));
        assertThat(Load.Cores.between(null, new long[] {1, 1, 1}).busy()).isNaN();
        long[] now = CpuClock.machine();
        assertThat(now).as("this machine's /proc/stat").isNotNull().hasSize(3);
        assertThat(now[0] + now[1]).isPositive();
    }
}
