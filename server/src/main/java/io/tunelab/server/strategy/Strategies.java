package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TunelabException;

import java.util.List;

/**
 * The strategies by name: checks a {@link StrategySpec} against the space and the objectives
 * and builds the strategy, or answers with what is wrong and what is allowed.
 */
public final class Strategies {
    /** Every strategy name the server knows. */
    public static final List<String> NAMES = List.of("auto", "random", "grid", "sobol", "tpe", "cmaes", "genetic", "nsga2", "portfolio", "pbt", "gp");

    private Strategies() {
    }

    /** Builds the strategy a spec names, validating its options. */
    public static SearchStrategy create(StrategySpec spec, SearchSpace space, List<Objective> objectives, long seed) {
        var options = Options.of("strategy.options", spec.options());
        return switch (spec.name()) {
            case "auto" -> {
                options.done();
                yield new AutoSearch(space, objectives, seed);
            }
            case "random" -> {
                options.done();
                yield new RandomSearch();
            }
            case "sobol" -> {
                options.done();
                yield new SobolSearch();
            }
            case "tpe" -> TpeSearch.of(options, objectives.size());
            case "cmaes" -> CmaEsSearch.of(options);
            case "gp" -> {
                if (objectives.size() > 1) {
                    throw TunelabException.invalidSpec("strategy \"gp\" optimises one objective, this experiment has "
                            + objectives.size() + "; with several objectives use auto, tpe or nsga2");
                }
                yield GpSearch.of(options);
            }
            case "genetic" -> GeneticSearch.of(options);
            case "pbt" -> PbtSearch.of(options);
            case "portfolio" -> PortfolioSearch.of(options, space, objectives, seed);
            case "nsga2" -> {
                if (objectives.size() < 2) {
                    throw TunelabException.invalidSpec("strategy \"nsga2\" needs at least 2 objectives, this experiment has "
                            + objectives.size() + "; list them as objectives: [{metric: loss, direction: minimize}, "
                            + "{metric: latency, direction: minimize}], or use a single-objective strategy: "
                            + String.join(", ", NAMES.stream().filter(n -> !n.equals("nsga2")).toList()));
                }
                yield Nsga2Search.of(options);
            }
            case "grid" -> {
                options.done();
                for (var e : space.params().entrySet()) {
                    Param p = e.getValue();
                    if (!p.isDiscrete()) {
                        throw TunelabException.invalidSpec("strategy \"grid\" needs a finite space: float param \"" + e.getKey()
                                + "\" has no step; add one, as {type: float, low: 0.0, high: 1.0, step: 0.1}");
                    }
                }
                yield new GridSearch(space, seed);
            }
            default -> throw TunelabException.invalidSpec("unknown strategy \"" + spec.name() + "\"; allowed strategies: "
                    + String.join(", ", NAMES));
        };
    }

    /** The number of configurations a strategy can propose at most, or -1 when unbounded. */
    public static long capacity(SearchStrategy strategy) {
        return strategy instanceof GridSearch g ? g.size() : -1;
    }
}
