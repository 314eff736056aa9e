package io.tunelab.server.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exact hypervolumes checked by hand: rectangles and boxes, and unions by inclusion–exclusion. */
class HypervolumeTest {

    @Test
    void twoObjectivesSumTheStepsOfTheFront() {
        var front = List.of(new double[]{1, 5}, new double[]{2, 3}, new double[]{4, 1}, new double[]{3, 4});
        // 3.4 × 0.5 + 2.4 × 2 + 0.4 × 2; (3, 4) is dominated and adds nothing.
        assertThat(Hypervolume.of(front, new double[]{4.4, 5.5})).isCloseTo(7.3, within(1e-12));
    }

    @Test
    void threeAndFourObjectivesAddBoxesLessTheirIntersection() {
        var three = List.of(new double[]{0, 0, 1}, new double[]{1, 1, 0});
        assertThat(Hypervolume.of(three, new double[]{2, 2, 2})).isCloseTo(4 + 2 - 1, within(1e-12));
        var four = List.of(new double[]{0, 1, 0, 1}, new double[]{1, 0, 1, 0});
        assertThat(Hypervolume.of(four, new double[]{2, 2, 2, 2})).isCloseTo(4 + 4 - 1, within(1e-12));
        assertThat(Hypervolume.of(List.of(new double[]{0, 0, 0}), new double[]{1, 2, 3})).isCloseTo(6, within(1e-12));
    }

    @Test
    void pointsNotBelowTheReferenceAndDuplicatesAddNothing() {
        var reference = new double[]{2, 2};
        assertThat(Hypervolume.of(List.of(new double[]{1, 2}, new double[]{3, 0}), reference)).isZero();
        assertThat(Hypervolume.of(List.of(new double[]{1, 1}, new double[]{1, 1}), reference)).isEqualTo(1.0);
        assertThat(Hypervolume.contributions(List.of(new double[]{1, 1}, new double[]{1, 1}, new double[]{0, 1.5}), reference))
                .containsExactly(0.0, 0.0, 0.5);
    }

    @Test
    void theReferencePointIsATenthBeyondTheWorstValue() {
        assertThat(Hypervolume.referenceFor(List.of(new double[]{1, -2, 0}, new double[]{3, -4, 0})))
                .containsExactly(new double[]{3.3, -1.8, ParetoSplit.EPS}, within(1e-15));
    }

    @Test
    void aVectorOfTheWrongLengthIsRejected() {
        assertThatThrownBy(() -> Hypervolume.of(List.of(new double[]{1, 2, 3}), new double[]{4, 4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 objectives").hasMessageContaining("reference point 2");
    }
}
