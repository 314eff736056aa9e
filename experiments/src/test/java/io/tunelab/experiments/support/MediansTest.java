package io.tunelab.experiments.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The median every benchmark summarises with: odd and even counts, unsorted input left as it was, none. */
class MediansTest {
    @Test
    void theMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(Medians.of(new double[] {3, 1, 2})).isEqualTo(2.0);
        assertThat(Medians.of(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Medians.of(new double[] {7})).isEqualTo(7.0);
        assertThat(Medians.of(java.util.List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Medians.of(java.util.List.<Double>of())).isNaN();
    }

    @Test
    void theInputIsNotReorderedAndNoValuesGiveNaN() {
        double[] values = {3, 1, 2};

        Medians.of(values);

        assertThat(values).containsExactly(3, 1, 2);
        assertThat(Medians.of(new double[0])).isNaN();
    }
}
