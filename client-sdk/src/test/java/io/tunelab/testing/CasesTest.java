package io.tunelab.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CasesTest {
    static List<List<Object>> drawn(int count) {
        return Cases.of(count, d -> Arguments.of(d.intIn(-5, 5), d.doubleIn(0.5, 2), d.doubleBelow(0, 1),
                        d.listOf(0, 3, () -> d.intIn(1, 2))))
                .map(a -> List.of(a.get())).toList();
    }

    @Test
    void theSameCountGivesTheSameCasesEveryRun() {
        assertThat(drawn(200)).hasSize(200).isEqualTo(drawn(200));
    }

    @Test
    void everyDrawStaysInItsRangeAndTheEdgesAreAmongThem() {
        var ints = new HashSet<Object>();
        var doubles = new HashSet<Object>();
        var below = new HashSet<Object>();
        var sizes = new HashSet<Integer>();
        for (List<Object> c : drawn(1000)) {
            assertThat((int) c.get(0)).isBetween(-5, 5);
            assertThat((double) c.get(1)).isBetween(0.5, 2.0);
            assertThat((double) c.get(2)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            assertThat((List<?>) c.get(3)).hasSizeBetween(0, 3).allSatisfy(e -> assertThat((int) e).isBetween(1, 2));
            ints.add(c.get(0));
            doubles.add(c.get(1));
            below.add(c.get(2));
            sizes.add(((List<?>) c.get(3)).size());
        }
        assertThat(ints).contains(-5, -4, -1, 0, 1, 4, 5);
        assertThat(doubles).contains(0.5, Math.nextUp(0.5), 1.0, Math.nextDown(2.0), 2.0);
        assertThat(below).contains(0.0, Math.nextUp(0.0), Math.nextDown(1.0)).doesNotContain(1.0);
        assertThat(sizes).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void anEmptyRangeIsRefused() {
        var draw = new Cases.Draw(new java.util.SplittableRandom(1), false);
        assertThatThrownBy(() -> draw.intIn(3, 2)).hasMessageContaining("min (3) must not exceed max (2)");
        assertThatThrownBy(() -> draw.doubleIn(1, 1)).hasMessageContaining("finite min < max");
    }
}
