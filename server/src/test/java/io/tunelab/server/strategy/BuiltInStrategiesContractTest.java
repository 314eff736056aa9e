package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The strategy contract over every built-in strategy, one nested class each. */
class BuiltInStrategiesContractTest {

    /** A built-in strategy, created by name as a spec names it. */
    abstract static class BuiltIn extends StrategyContract {
        abstract String name();

        @Override
        protected SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed) {
            return Strategies.create(new StrategySpec(name(), seed, Map.of()), space, objectives, seed);
        }
    }

    @Test
    void everyBuiltInStrategyHasItsContractClass() {
        var covered = java.util.Arrays.stream(BuiltInStrategiesContractTest.class.getDeclaredClasses())
                .filter(c -> BuiltIn.class.isAssignableFrom(c) && c != BuiltIn.class).map(c -> c.getSimpleName().toLowerCase()).sorted().toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(Strategies.NAMES);
    }

    @Nested
    class Auto extends BuiltIn {
        @Override
        String name() {
            return "auto";
        }
    }

    @Nested
    class Random extends BuiltIn {
        @Override
        String name() {
            return "random";
        }
    }

    @Nested
    class Sobol extends BuiltIn {
        @Override
        String name() {
            return "sobol";
        }
    }

    @Nested
    class Tpe extends BuiltIn {
        @Override
        String name() {
            return "tpe";
        }
    }

    @Nested
    class Cmaes extends BuiltIn {
        @Override
        String name() {
            return "cmaes";
        }
    }

    /** CMA-ES choosing among its draws by a surrogate: the contract holds with each {@code preselect} too. */
    abstract class CmaesPreselectingBy extends StrategyContract {
        abstract String preselect();

        @Override
        protected SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed) {
            return Strategies.create(new StrategySpec("cmaes", seed, Map.of("preselect", preselect())), space, objectives, seed);
        }
    }

    /** By a quadratic fit. */
    @Nested
    class CmaesPreselecting extends CmaesPreselectingBy {
        @Override
        String preselect() {
            return "quadratic";
        }
    }

    /** By the fit with the lowest leave-one-out error. */
    @Nested
    class CmaesPreselectingByLeaveOneOut extends CmaesPreselectingBy {
        @Override
        String preselect() {
            return "quadratic_or_additive";
        }
    }

    /** By the additive quartic or the diagonal quadratic only until the full quadratic has its trials. */
    @Nested
    class CmaesPreselectingAdditiveEarly extends CmaesPreselectingBy {
        @Override
        String preselect() {
            return "additive_early";
        }
    }

    /** By the additive quartic only where it predicts the left-out trials nearly exactly, else the quadratic. */
    @Nested
    class CmaesPreselectingAdditiveIfSeparable extends CmaesPreselectingBy {
        @Override
        String preselect() {
            return "additive_if_separable";
        }
    }

    @Nested
    class Gp extends BuiltIn {
        @Override
        String name() {
            return "gp";
        }
    }

    @Nested
    class Genetic extends BuiltIn {
        @Override
        String name() {
            return "genetic";
        }
    }

    @Nested
    class Portfolio extends BuiltIn {
        @Override
        String name() {
            return "portfolio";
        }
    }

    @Nested
    class Pbt extends BuiltIn {
        @Override
        String name() {
            return "pbt";
        }

        @Override
        protected boolean continuesConfigurations() {
            return true;
        }
    }

    @Nested
    class Nsga2 extends BuiltIn {
        @Override
        String name() {
            return "nsga2";
        }

        @Override
        protected List<Objective> objectives() {
            return TWO;
        }
    }

    /** NSGA-II proposing its first child, without the objectives' surrogates (its default chooses by them): the contract holds either way. */
    @Nested
    class Nsga2WithoutPreselecting extends StrategyContract {
        @Override
        protected SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed) {
            return Strategies.create(new StrategySpec("nsga2", seed, Map.of("preselect", "none")), space, objectives, seed);
        }

        @Override
        protected List<Objective> objectives() {
            return TWO;
        }
    }

    /**
     * A built-in strategy in an experiment with two objectives. Not a {@link BuiltIn}: the
     * strategies that need two (nsga2) are there; these change what they do with them.
     */
    abstract static class WithTwoObjectives extends StrategyContract {
        abstract String name();

        @Override
        protected SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed) {
            return Strategies.create(new StrategySpec(name(), seed, Map.of()), space, objectives, seed);
        }

        @Override
        protected List<Objective> objectives() {
            return TWO;
        }
    }

    /** Multi-objective TPE ({@link ParetoSplit}). */
    @Nested
    class TpeWithTwoObjectives extends WithTwoObjectives {
        @Override
        String name() {
            return "tpe";
        }
    }

    /** Multi-objective TPE, then NSGA-II ({@link RelaySearch}). */
    @Nested
    class AutoWithTwoObjectives extends WithTwoObjectives {
        @Override
        String name() {
            return "auto";
        }
    }

    @Nested
    class Grid extends BuiltIn {
        @Override
        String name() {
            return "grid";
        }

        @Override
        protected boolean handles(SearchSpace space) {
            return space.params().values().stream().allMatch(Grid::hasSteps);
        }

        private static boolean hasSteps(Param p) {
            return !(p instanceof FloatParam f) || f.step() != null;
        }
    }
}
