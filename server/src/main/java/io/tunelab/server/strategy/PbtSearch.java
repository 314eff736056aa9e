package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Direction;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Population-based training: a population of {@code population} members trains in
 * generations of {@code ready} epochs each. Trial number n is member {@code n % population}
 * of generation {@code n / population}. Generation 0 draws its members uniformly. In
 * generation g + 1, member m looks at generation g, ranked by the first objective's value
 * (each trial's value is its score at its ready point):
 * <ul>
 *   <li>if member m's trial of generation g is complete and not in the bottom {@code quantile},
 *       it continues itself: the same params, from its own checkpoint;</li>
 *   <li>otherwise (bottom quantile, failed, pruned, or not finished at the ask) it exploits: it
 *       continues from the checkpoint of a top-quantile member chosen by a seeded draw, with
 *       that member's params explored: each float multiplied by one of {@code factors} (clamped
 *       to its bounds, snapped to its step), each int and categorical redrawn with probability
 *       {@code resample_probability};</li>
 *   <li>when no member of generation g has finished yet, it starts afresh with a uniform draw.</li>
 * </ul>
 * The quantile's tails hold {@code max(1, floor(quantile × finished))} members once two have
 * finished. The lineage travels in the proposed params under reserved keys ({@link
 * SearchSpace#RESERVED}), which workers read and no space may define: {@link #PARENT} (the id
 * of the trial whose checkpoint to continue from; absent when training starts afresh),
 * {@link #GENERATION}, {@link #MEMBER}, {@link #START_EPOCH} (epochs already trained along
 * the lineage) and {@link #EPOCHS} ({@code ready}: the epochs this trial trains).
 *
 * <p>Unlike the other strategies a member that continues itself repeats its configuration on
 * purpose; the lineage keys (generation, member) still make every proposal distinct, and a
 * finite space is never exhausted. Stateless: every proposal is a function of the history and
 * the seed; thread-safe. Constraints change nothing here: members are ranked by value alone.
 */
public final class PbtSearch implements SearchStrategy {
    public static final String PARENT = SearchSpace.RESERVED + "parent";
    public static final String GENERATION = SearchSpace.RESERVED + "generation";
    public static final String MEMBER = SearchSpace.RESERVED + "member";
    public static final String START_EPOCH = SearchSpace.RESERVED + "start_epoch";
    public static final String EPOCHS = SearchSpace.RESERVED + "epochs";

    private final int population;
    private final int ready;
    private final double quantile;
    private final List<Double> factors;
    private final double resample;

    PbtSearch(int population, int ready, double quantile, List<Double> factors, double resample) {
        this.population = population;
        this.ready = ready;
        this.quantile = quantile;
        this.factors = List.copyOf(factors);
        this.resample = resample;
    }

    static PbtSearch of(Options options) {
        int population = options.integer("population", 8, 2, 10_000);
        int ready = options.integer("ready", 3, 1, 100_000);
        double quantile = options.number("quantile", 0.25);
        if (!(quantile > 0 && quantile <= 0.5)) {
            throw TunelabException.invalidSpec(options.name("quantile") + " must be above 0 and at most 0.5 (the top and "
                    + "bottom quantiles must not overlap), got " + quantile);
        }
        var factors = options.numbers("factors", List.of(0.8, 1.2));
        for (double f : factors) {
            if (f <= 0) {
                throw TunelabException.invalidSpec(options.name("factors") + " must list positive numbers, as [0.8, 1.2], got "
                        + factors);
            }
        }
        double resample = options.number("resample_probability", 0.25, 0, 1);
        options.done();
        return new PbtSearch(population, ready, quantile, factors, resample);
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        int generation = context.number() / population;
        int member = context.number() % population;
        if (generation == 0) {
            return fresh(context, 0, member);
        }
        var previous = generation(context, generation - 1);
        var finished = ranked(context, previous);
        if (finished.isEmpty()) {
            return fresh(context, generation, member);
        }
        int tail = finished.size() < 2 ? 0 : Math.max(1, (int) Math.floor(quantile * finished.size()));
        Trial self = member < previous.size() ? previous.get(member) : null;
        int place = finished.indexOf(self);
        if (place >= 0 && place < finished.size() - tail) {
            return lineage(strip(self.params()), self, generation, member);
        }
        var rng = Seeds.forTrial(context.seed(), context.number(), "pbt");
        var top = finished.subList(0, Math.max(1, tail));
        Trial donor = top.get(rng.nextInt(top.size()));
        return lineage(explore(context.space(), strip(donor.params()), rng), donor, generation, member);
    }

    /** The trials of one generation, by member; shorter when some have not been proposed. */
    private List<Trial> generation(ProposalContext context, int generation) {
        var out = new ArrayList<Trial>();
        for (Trial t : context.history()) {
            if (t.number() / population == generation) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparingInt(Trial::number));
        return out;
    }

    /** The complete trials with a finite value of the first objective, best first (ties by number). */
    private static List<Trial> ranked(ProposalContext context, List<Trial> trials) {
        var objective = context.objectives().getFirst();
        Comparator<Trial> byValue = Comparator.comparingDouble(t -> t.values().get(objective.metric()));
        if (objective.direction() == Direction.MAXIMIZE) {
            byValue = byValue.reversed();
        }
        return trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.values().get(objective.metric()) != null
                        && Double.isFinite(t.values().get(objective.metric())))
                .sorted(byValue.thenComparingInt(Trial::number))
                .toList();
    }

    private Map<String, Object> fresh(ProposalContext context, int generation, int member) {
        var params = NoRepeats.propose(context, "pbt", attempt -> Sampling.sample(context.space(),
                attempt == 0 ? Seeds.forTrial(context.seed(), context.number()) : NoRepeats.rng(context, "pbt", attempt)));
        return lineage(params, null, generation, member);
    }

    private Map<String, Object> lineage(Map<String, Object> params, Trial parent, int generation, int member) {
        var out = new LinkedHashMap<>(params);
        if (parent != null) {
            out.put(PARENT, parent.id());
        }
        out.put(GENERATION, generation);
        out.put(MEMBER, member);
        out.put(START_EPOCH, parent == null ? 0 : startEpoch(parent) + ready);
        out.put(EPOCHS, ready);
        return out;
    }

    private static int startEpoch(Trial t) {
        return t.params().get(START_EPOCH) instanceof Number n ? n.intValue() : 0;
    }

    /** The params without lineage keys. */
    static Map<String, Object> strip(Map<String, Object> params) {
        var out = new LinkedHashMap<String, Object>();
        params.forEach((k, v) -> {
            if (!k.startsWith(SearchSpace.RESERVED)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A donor's params explored; params its changes make active are drawn, inactive ones dropped. */
    Map<String, Object> explore(SearchSpace space, Map<String, Object> donor, RandomGenerator rng) {
        var out = new LinkedHashMap<String, Object>();
        for (String name : space.names()) {
            if (!space.isActive(name, out)) {
                continue;
            }
            Param param = space.get(name);
            Object value = donor.get(name);
            out.put(name, value == null ? Sampling.sample(param, rng) : perturb(param, value, rng));
        }
        return out;
    }

    private Object perturb(Param param, Object value, RandomGenerator rng) {
        return switch (param) {
            case FloatParam f -> {
                double v = ((Number) value).doubleValue() * factors.get(rng.nextInt(factors.size()));
                v = Math.min(f.high(), Math.max(f.low(), v));
                if (f.step() != null) {
                    v = f.gridPoint(Math.min(f.steps() - 1, Math.round((v - f.low()) / f.step())));
                }
                yield v;
            }
            case IntParam p -> rng.nextDouble() < resample ? Sampling.sample(p, rng) : value;
            case CategoricalParam c -> rng.nextDouble() < resample ? Sampling.sample(c, rng) : value;
        };
    }
}
