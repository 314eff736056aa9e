package io.tunelab.server.analysis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FanovaTreeTest {
    private static final double[][] UNIT_SQUARE = {{0, 1}, {0, 1}};

    @Test
    void aSplitOnOneColumnIsAllOfThatColumnsVariance() {
        // x0 <= 0.5 -> 0, else 1: a step in x0 alone.
        var tree = new FanovaTree(new FanovaTree.Nodes(new int[]{0, -1, -1}, new double[]{0.5, 0, 0},
                new int[]{1, -1, -1}, new int[]{2, -1, -1}, new double[]{0, 0, 1}), UNIT_SQUARE);

        assertThat(tree.variance()).isCloseTo(0.25, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{0})).isCloseTo(0.25, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{1})).isCloseTo(0, within(1e-12));
    }

    @Test
    void leavesWeighByTheVolumeOfTheirBox() {
        // x0 <= 0.25 -> 4, else 0: mean 1, variance 0.25*9 + 0.75*1 = 3.
        var tree = new FanovaTree(new FanovaTree.Nodes(new int[]{0, -1, -1}, new double[]{0.25, 0, 0},
                new int[]{1, -1, -1}, new int[]{2, -1, -1}, new double[]{0, 4, 0}), UNIT_SQUARE);

        assertThat(tree.variance()).isCloseTo(3, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{0})).isCloseTo(3, within(1e-12));
    }

    @Test
    void anInteractionIsNotAMainEffect() {
        // XOR of x0 > 0.5 and x1 > 0.5: all variance, no main effect in either column.
        var tree = new FanovaTree(new FanovaTree.Nodes(
                new int[]{0, 1, -1, -1, 1, -1, -1},
                new double[]{0.5, 0.5, 0, 0, 0.5, 0, 0},
                new int[]{1, 2, -1, -1, 5, -1, -1},
                new int[]{4, 3, -1, -1, 6, -1, -1},
                new double[]{0, 0, 0, 1, 0, 1, 0}), UNIT_SQUARE);

        assertThat(tree.variance()).isCloseTo(0.25, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{0})).isCloseTo(0, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{1})).isCloseTo(0, within(1e-12));
        assertThat(tree.marginalVariance(new int[]{0, 1})).isCloseTo(0.25, within(1e-12));
    }
}
