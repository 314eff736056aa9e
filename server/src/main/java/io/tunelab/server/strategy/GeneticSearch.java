package io.tunelab.server.strategy;

import io.jenetics.DoubleGene;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A steady-state genetic algorithm on Jenetics, the project's signature strategy. Asynchronous:
 * every proposal breeds one child at once from the finished trials so far; no worker waits for
 * a generation. The population is rebuilt from the history on each proposal: the {@code elites}
 * best finished trials plus the most recent other ones, up to {@code population} distinct
 * configurations, so the elites are never lost and the rest keeps the population moving.
 * Parents are chosen by Jenetics' {@link TournamentSelector}; children are made by
 * {@link Variation} (per-kind crossover and mutation). The first {@code population} trials are
 * quasi-random (Sobol). Optimizes the first objective.
 *
 * <p>Trial states: the fitness a tournament compares is the rank by {@link Observation#BEST_FIRST}
 * — COMPLETE trials by value, then PRUNED ones by the step they reached and their value there,
 * then complete ones outside the experiment's constraints by violation, then FAILED ones
 * (infeasible), which lose every tournament against any other. With constraints this is Deb's
 * feasibility rule: a feasible trial beats an infeasible one, of two infeasible ones the one with
 * less violation wins, of two feasible ones the better value; the elites are chosen in the same
 * order, so feasible trials survive first. RUNNING and
 * WAITING trials are not in the population; they are only never proposed again ({@link NoRepeats}).
 *
 * <p>Options: {@code population} (20), {@code elites} (half the population), {@code tournament}
 * (3), {@code crossover_rate} (0.9), {@code mutation_rate} (0 = one param per child on
 * average), {@code mutation_sigma} (0.1 of each range), {@code adaptive_mutation} (false; true
 * shrinks each param's step to the population's spread in it, never above mutation_sigma),
 * {@code crossover} (blend; uniform) and {@code mutation} (gaussian; resample), see {@link Variation}.
 */
public final class GeneticSearch implements SearchStrategy {
    private final int population;
    private final int elites;
    private final int tournament;
    private final Variation.Settings settings;
    /** Trial id → unit point; finished trials never change, so their encoding is kept. */
    private final Map<Long, double[]> points = new ConcurrentHashMap<>();

    GeneticSearch(int population, int elites, int tournament, Variation.Settings settings) {
        this.population = population;
        this.elites = elites;
        this.tournament = tournament;
        this.settings = settings;
    }

    /** Reads the options of strategy "genetic". */
    static GeneticSearch of(Options options) {
        int population = options.integer("population", 20, 4, 10_000);
        int elites = options.integer("elites", Math.max(1, population / 2), 0, 10_000);
        if (elites > population) {
            throw TunelabException.invalidSpec(options.name("elites") + " (" + elites
                    + ") must be from 0 to population (" + population + ")");
        }
        var ga = new GeneticSearch(population, elites,
                options.integer("tournament", 3, 1, 100),
                Variation.Settings.of(options));
        options.done();
        return ga;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var selector = new TournamentSelector<DoubleGene, Double>(tournament);
        return Variation.breed(context, population, settings, "genetic", (observations, variation, rng) -> {
            var survivors = survivors(observations);
            var ranks = new IdentityHashMap<Observation, Integer>();
            survivors.stream().sorted(Observation.BEST_FIRST).forEach(o -> ranks.put(o, ranks.size()));
            ISeq<Phenotype<DoubleGene, Double>> pop = survivors.stream()
                    .map(o -> Phenotype.<DoubleGene, Double>of(variation.genotype(o, context.seed()), o.trial().number(),
                            (double) ranks.get(o)))
                    .collect(ISeq.toISeq());
            variation.adapt(pop.stream().map(p -> Variation.point(p.genotype())).toList());
            return RandomRegistry.with(rng, r -> selector.select(pop, 2, Optimize.MINIMUM));
        }, points, false);
    }

    /** The elites, then the newest others, all with distinct configurations. */
    List<Observation> survivors(List<Observation> observations) {
        var ranked = new ArrayList<>(observations);
        ranked.sort(Observation.BEST_FIRST);
        var keys = new HashSet<String>();
        var out = new ArrayList<Observation>();
        for (var o : ranked) {
            if (out.size() >= elites) {
                break;
            }
            if (keys.add(Configurations.key(o.trial().params()))) {
                out.add(o);
            }
        }
        for (int j = observations.size() - 1; j >= 0 && out.size() < population; j--) {
            var o = observations.get(j);
            if (keys.add(Configurations.key(o.trial().params()))) {
                out.add(o);
            }
        }
        return out;
    }
}
