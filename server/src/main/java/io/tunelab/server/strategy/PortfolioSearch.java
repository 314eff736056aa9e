package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several strategies sharing one history, each seeing every trial, so each builds on what the
 * others found: a cheap way to be robust across problems no single strategy wins. With option
 * {@code allocation: progress} (what {@code auto} uses) members get trials in proportion to the
 * progress each made on this experiment ({@link ProgressShares}); with {@code turns} (the
 * default) they take turns by trial number. Stateless beyond its members. Each member learns from trials of each state as
 * its own Javadoc says, and each guards its own proposals against repeats ({@link NoRepeats}),
 * so whoever proposes, no configuration already in the experiment comes back.
 */
final class PortfolioSearch implements SearchStrategy {
    private final List<SearchStrategy> members;
    private final boolean byProgress;

    PortfolioSearch(List<SearchStrategy> members, boolean byProgress) {
        this.members = List.copyOf(members);
        this.byProgress = byProgress;
    }

    /** How members share the trials, option {@code allocation}. */
    static final List<String> ALLOCATIONS = List.of("turns", "progress");

    /** Strategies that may take turns, in option {@code members} such as {@code cmaes+genetic}. */
    static final List<String> MEMBERS = List.of("cmaes", "genetic", "tpe", "gp", "sobol", "random");

    /** Reads the options of strategy "portfolio". */
    static PortfolioSearch of(Options options, SearchSpace space, List<Objective> objectives, long seed) {
        String text = options.string("members", "cmaes+genetic");
        String allocation = options.string("allocation", "turns");
        if (!ALLOCATIONS.contains(allocation)) {
            throw TunelabException.invalidSpec(options.name("allocation") + " is \"" + allocation + "\"; allowed: "
                    + String.join(", ", ALLOCATIONS));
        }
        // Passed on to the members: the genetic member's largest mutation step, whether it adapts,
        // its population and crossover; CMA-ES's initial step and pre-selection; the Gaussian process's warping.
        var genetic = Map.<String, Object>of("mutation_sigma", options.number("mutation_sigma", 0.05, 1e-4, 1.0),
                "adaptive_mutation", options.bool("adaptive_mutation", true),
                "population", options.integer("population", 20, 4, 10_000),
                "crossover", options.choice("crossover", "blend", List.of("blend", "uniform")));
        var cmaes = Map.<String, Object>of("sigma0", options.number("sigma0", 1.0 / 6, 1e-4, 1.0),
                "preselect", options.choice("preselect", "none", CmaEsSearch.PRESELECTS));
        var gp = Map.<String, Object>of("warping", options.choice("warping", "none", GpSearch.WARPINGS));
        options.done();
        var members = new ArrayList<SearchStrategy>();
        for (String m : text.split("\\+")) {
            if (!MEMBERS.contains(m)) {
                throw TunelabException.invalidSpec(options.name("members") + " names \"" + m
                        + "\"; allowed members, joined by +: " + String.join(", ", MEMBERS));
            }
            var spec = new StrategySpec(m, null, switch (m) {
                case "genetic" -> genetic;
                case "cmaes" -> cmaes;
                case "gp" -> gp;
                default -> Map.of();
            });
            members.add(Strategies.create(spec, space, objectives, seed));
        }
        return new PortfolioSearch(members, allocation.equals("progress"));
    }

    List<SearchStrategy> members() {
        return members;
    }

    /** Define-by-run params are the first member's to choose, whoever proposed the trial. */
    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return members.getFirst().suggest(context, name, param);
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        int member = byProgress
                ? ProgressShares.owner(context.history(), context.number(), members.size(), context.objectives().getFirst(),
                        context.constraints())
                : Math.floorMod(context.number(), members.size());
        return members.get(member).propose(context);
    }
}
