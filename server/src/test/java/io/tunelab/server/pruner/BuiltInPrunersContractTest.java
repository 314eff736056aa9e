package io.tunelab.server.pruner;

import io.tunelab.api.PrunerSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pruner contract over every built-in pruner with its default options, one nested class each. */
class BuiltInPrunersContractTest {

    /** A built-in pruner, created by name as a spec names it. */
    abstract static class BuiltIn extends PrunerContract {
        abstract String name();

        @Override
        protected Pruner create() {
            return Pruners.create(new PrunerSpec(name(), Map.of()));
        }
    }

    @Test
    void everyBuiltInPrunerHasItsContractClass() {
        var covered = Arrays.stream(BuiltInPrunersContractTest.class.getDeclaredClasses())
                .filter(c -> BuiltIn.class.isAssignableFrom(c) && c != BuiltIn.class).map(c -> c.getSimpleName().toLowerCase()).toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(Pruners.NAMES);
    }

    @Nested
    class None extends BuiltIn {
        @Override
        String name() {
            return "none";
        }

        @Override
        protected boolean prunes() {
            return false;
        }
    }

    @Nested
    class Median extends BuiltIn {
        @Override
        String name() {
            return "median";
        }
    }

    @Nested
    class Asha extends BuiltIn {
        @Override
        String name() {
            return "asha";
        }
    }

    @Nested
    class Hyperband extends BuiltIn {
        @Override
        String name() {
            return "hyperband";
        }
    }

    /** ASHA whose rungs also judge by each trial's curve (not a pruner of its own: an option of asha). */
    @Nested
    class AshaJudgedByCurve extends PrunerContract {
        @Override
        protected Pruner create() {
            return Pruners.create(new PrunerSpec("asha", Map.of("judge_by", "curve")));
        }
    }

    /** Hyperband whose rungs also judge by each trial's curve. */
    @Nested
    class HyperbandJudgedByCurve extends PrunerContract {
        @Override
        protected Pruner create() {
            return Pruners.create(new PrunerSpec("hyperband", Map.of("judge_by", "curve")));
        }
    }

    /** ASHA bounded at the contract's last step (27): its rungs below it keep the contract. */
    @Nested
    class AshaWithMaxResource extends PrunerContract {
        @Override
        protected Pruner create() {
            return Pruners.create(new PrunerSpec("asha", Map.of("max_resource", 27)));
        }
    }
}
