package io.tunelab.server.cli;

import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Statistics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTest {
    @Test
    void aSymmetricIntervalReadsAsPlusMinusAndACutOneAsItsBounds() {
        assertThat(Console.interval(new Statistics(3, 0.9, 0.01, 0.87, 0.93))).isEqualTo(" ± 0.030000");
        assertThat(Console.interval(new Statistics(3, 0.98, 0.01, 0.95, 1.0))).isEqualTo(" [0.95000, 1.0000]");
    }

    @Test
    void aGroupSaysTiedWorseWithItsAdjustedPValueOrByValue() {
        assertThat(Console.group(new RankedTrial(1, 0, RankGroup.BEST, 1, 3, 3, null, null, null, null))).isEqualTo("best");
        assertThat(Console.group(new RankedTrial(2, 1, RankGroup.TIED, 1, 3, 3, 0.1, 0.4, 0.8, null))).isEqualTo("tied");
        assertThat(Console.group(new RankedTrial(3, 2, RankGroup.WORSE, 1, 3, 3, 0.1, 0.006, 0.012, null))).isEqualTo("worse p=0.012");
        assertThat(Console.group(new RankedTrial(4, 3, RankGroup.WORSE, 1, 3, 3, 0.1, 1e-5, 2e-5, null))).isEqualTo("worse p<0.001");
        assertThat(Console.group(new RankedTrial(5, 4, RankGroup.UNRANKED, 1, 0, 0, null, null, null, "n"))).isEqualTo("by value");
        assertThat(Console.group(null)).isEqualTo("-");
    }
}
