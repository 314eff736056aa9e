package io.tunelab.server.analysis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HolmCorrectionTest {
    @Test
    void multipliesBySortedRankAndKeepsTheOrderMonotone() {
        // sorted: 0.01 (x4) = 0.04, 0.02 (x3) = 0.06, 0.03 (x2) = 0.06, 0.04 (x1) = 0.04 -> max so far 0.06
        double[] adjusted = HolmCorrection.adjust(0.03, 0.01, 0.04, 0.02);
        assertThat(adjusted[0]).isCloseTo(0.06, within(1e-15));
        assertThat(adjusted[1]).isCloseTo(0.04, within(1e-15));
        assertThat(adjusted[2]).isCloseTo(0.06, within(1e-15));
        assertThat(adjusted[3]).isCloseTo(0.06, within(1e-15));
    }

    @Test
    void capsAtOne() {
        // sorted: 0.2 (x3) = 0.6, 0.5 (x2) = 1.0, 0.7 (x1) = 0.7 -> 1.0 carried
        assertThat(HolmCorrection.adjust(0.7, 0.2, 0.5)).containsExactly(new double[] {1.0, 0.6, 1.0}, within(1e-15));
    }

    @Test
    void equalPValuesGetEqualAdjustmentsWhateverTheirOrder() {
        assertThat(HolmCorrection.adjust(0.01, 0.01, 0.04)).containsExactly(new double[] {0.03, 0.03, 0.04}, within(1e-15));
        assertThat(HolmCorrection.adjust(0.04, 0.01, 0.01)).containsExactly(new double[] {0.04, 0.03, 0.03}, within(1e-15));
    }

    @Test
    void oneComparisonIsUnchangedAndNoneIsEmpty() {
        assertThat(HolmCorrection.adjust(0.037)).containsExactly(0.037);
        assertThat(HolmCorrection.adjust()).isEmpty();
    }

    @Test
    void refusesWhatIsNotAProbability() {
        assertThatThrownBy(() -> HolmCorrection.adjust(0.1, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p[1] is 1.5");
        assertThatThrownBy(() -> HolmCorrection.adjust(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]");
    }
}
