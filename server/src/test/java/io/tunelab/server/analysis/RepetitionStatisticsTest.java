package io.tunelab.server.analysis;

import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.testing.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class RepetitionStatisticsTest {
    @Test
    void matchesStudentTByHand() {
        // 0.95, 0.97, 0.96: mean 0.96, s = 0.01, t(0.975, 2) = 4.302653
        Statistics s = RepetitionStatistics.of(0.95, 0.97, 0.96);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(0.96, offset(1e-12));
        assertThat(s.std()).isCloseTo(0.01, offset(1e-12));
        assertThat(s.ciHigh() - s.mean()).isCloseTo(4.302653 * 0.01 / Math.sqrt(3), offset(1e-7));
    }

    @Test
    void oneValueHasNoSpread() {
        assertThat(RepetitionStatistics.of(2.5)).isEqualTo(new Statistics(1, 2.5, 0, 2.5, 2.5));
    }

    @Test
    void onlyMetricsEveryRepetitionHasAreSummarised() {
        var stats = RepetitionStatistics.of(List.of(Repetition.of(Map.of("a", 1.0, "b", 2.0)), Repetition.of(Map.of("a", 3.0))));
        assertThat(stats).containsOnlyKeys("a");
        assertThat(stats.get("a").mean()).isEqualTo(2.0);
    }

    static Stream<Arguments> samples() {
        return Cases.of(1000, draw -> Arguments.of(draw.listOf(2, 30, () -> draw.doubleIn(-1e6, 1e6))));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void theIntervalHoldsTheMeanAndNarrowsWithMoreData(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Statistics s = RepetitionStatistics.of(v);
        assertThat(s.ciLow()).isLessThanOrEqualTo(s.mean());
        assertThat(s.ciHigh()).isGreaterThanOrEqualTo(s.mean());
        assertThat(s.ciHigh() - s.mean()).isCloseTo(s.mean() - s.ciLow(), offset(1e-6 * (1 + Math.abs(s.mean()))));
        double[] doubled = new double[v.length * 2];
        System.arraycopy(v, 0, doubled, 0, v.length);
        System.arraycopy(v, 0, doubled, v.length, v.length);
        Statistics twice = RepetitionStatistics.of(doubled);
        assertThat(twice.ciHigh() - twice.ciLow()).isLessThanOrEqualTo(s.ciHigh() - s.ciLow() + 1e-9);
    }
}
