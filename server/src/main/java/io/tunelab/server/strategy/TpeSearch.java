package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011, with Optuna 3.1's defaults). After a
 * quasi-random start, each param is drawn on its own: the finished trials that have it are
 * ranked ({@link Observation#BEST_FIRST}) and split into the best γ(n) = min(⌈0.1·n⌉, 25) and
 * the rest; a Parzen density is fitted to each
 * group in the unit cube (older trials of the rest down-weighted), and of some candidates drawn
 * from the good density the one with the highest ratio good/bad is taken. Candidates are scored
 * as Optuna 3.1 scores them ({@link ParzenEstimator}): a continuous or log-scaled value by its
 * kernels without their 1/σ, an int or a stepped float by the mass of its cell (a log-scaled
 * int at the value it rounds to), a categorical by Optuna's per-trial kernels. A conditional param
 * learns only from the trials where it was active, which is what makes the estimator
 * "tree-structured".
 *
 * <p>What each trial state counts for, as in Optuna: a COMPLETE trial by its value; a PRUNED one
 * with the value of its last report, ranked after every complete trial, a later step before an
 * earlier one and, at the same step, by value (so with few complete trials the best pruned ones
 * can be "good"); a FAILED one (or one without a finite value) is infeasible, always in the bad
 * group; RUNNING and WAITING trials are not observed, only never proposed again. Option
 * {@code learn_from}: {@code all} (the default) or {@code complete}, which learns from complete
 * trials alone (and counts only them toward the start). A proposal that repeats an earlier
 * configuration is drawn again from the model ({@link NoRepeats}).
 *
 * <p>Constraints, as Optuna's TPE with {@code constraints_func}: a complete trial outside the
 * experiment's constraints ranks after every feasible and pruned one, least violation first, so
 * it is "good" only while too few feasible trials exist to fill γ(n), and the good density
 * gathers where the constraints hold.
 *
 * <p>Several objectives (multi-objective TPE, as Optuna 3.1's {@code TPESampler} with several
 * directions): the good group is chosen once per proposal among all observations, by
 * non-domination rank, the last rank that fits only in part cut by greedy hypervolume subset
 * selection, and each good trial's kernel is weighted by its hypervolume contribution
 * ({@link ParetoSplit}); the bad group is weighted as with one objective. Option
 * {@code preselect: quadratic} (several objectives only; {@code none} by default): each proposal is the best of {@code preselect_from} ({@value #PRESELECT_FROM})
 * configurations drawn from the densities, judged by {@link ObjectiveModels} (a quadratic model of
 * each objective fitted to the most recent complete trials): the one whose predicted losses the
 * fewest feasible complete trials dominate, ties to the one farthest from them in objective space.
 * TPE draws each param on its own; the models see the params together. Off while an objective has
 * too few trials for a model or a recent trial breaks a constraint, and for a param defined while
 * the trial runs ({@link #suggest}), which is drawn alone. Not in {@code auto}: with it,
 * {@code auto} gained 1 % on DTLZ2 and lost 10 % on the held-out DTLZ4 (experiments/QUALITY.md,
 * "The objectives' models in their own units").
 *
 * <p>Stateless: everything is derived from the history, the seed and the trial number.
 */
public final class TpeSearch implements SearchStrategy {
    private final int startup;
    private final int candidates;
    private final double priorWeight;
    private final boolean completeOnly;
    /** Whether a categorical is modelled by counting its choices rather than by Optuna's kernels. */
    private final boolean counting;
    /** With several objectives, how many configurations the objectives' models choose among (1: no pre-selection). */
    private final int preselect;
    private final SearchStrategy start = new SobolSearch();
    /** Trial id → unit point; finished trials never change, so their encoding is kept. */
    private final Map<Long, double[]> points = new ConcurrentHashMap<>();

    TpeSearch(int startup, int candidates, double priorWeight, boolean completeOnly) {
        this(startup, candidates, priorWeight, completeOnly, false, 1);
    }

    private TpeSearch(int startup, int candidates, double priorWeight, boolean completeOnly, boolean counting, int preselect) {
        this.startup = startup;
        this.candidates = candidates;
        this.priorWeight = priorWeight;
        this.completeOnly = completeOnly;
        this.counting = counting;
        this.preselect = preselect;
    }

    /**
     * The estimator CMA-ES draws its categorical and conditional params with: TPE's defaults,
     * but a categorical modelled by counting (prior_weight / k on each choice plus the weight of
     * each trial that took it), sharper than Optuna's per-trial kernels. Beside CMA-ES it does
     * better: {@code auto} on mixed7, seeds 0–99, median regret 0.10 with counting and 0.18 with
     * Optuna's kernels (better on 60 of 100 seeds); {@code tpe} alone does better with Optuna's
     * (0.54 against 0.65).
     */
    static TpeSearch countingChoices() {
        return new TpeSearch(10, 24, 1.0, false, true, 1);
    }

    /** Which finished trials TPE learns from (option {@code learn_from}). */
    static final List<String> LEARN_FROM = List.of("all", "complete");

    /** How TPE may choose among configurations it has drawn, option {@code preselect} (several objectives). */
    static final List<String> PRESELECTS = List.of("none", "quadratic");

    /**
     * With {@code preselect: quadratic}, how many configurations the models choose among by
     * default: as many as NSGA-II's children and CMA-ES's draws (100 did no better on seeds 0–19).
     */
    static final int PRESELECT_FROM = 30;

    /** Reads the options of strategy "tpe" for an experiment with this many objectives. */
    static TpeSearch of(Options options, int objectives) {
        int startup = options.integer("startup_trials", 10, 1, 10_000);
        int candidates = options.integer("candidates", 24, 1, 1_000);
        double priorWeight = options.number("prior_weight", 1.0, 0.0, 100.0);
        boolean completeOnly = options.choice("learn_from", "all", LEARN_FROM).equals("complete");
        boolean preselect = options.choice("preselect", "none", PRESELECTS).equals("quadratic");
        int from = options.integer("preselect_from", PRESELECT_FROM, 2, 1_000);
        if (preselect && objectives < 2) {
            throw TunelabException.invalidSpec(options.name("preselect") + ": quadratic chooses among configurations by their "
                    + "predicted objectives and needs at least 2 of them, this experiment has " + objectives
                    + "; with one objective use preselect: none (strategies auto and cmaes pre-select by a quadratic model)");
        }
        if (!preselect && options.has("preselect_from")) {
            throw TunelabException.invalidSpec(options.name("preselect_from") + " is how many configurations the models choose "
                    + "among: it needs " + options.name("preselect") + ": quadratic, got none");
        }
        var tpe = new TpeSearch(startup, candidates, priorWeight, completeOnly, false, preselect ? from : 1);
        options.done();
        return tpe;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var unit = new UnitSpace(context.space());
        var observations = Observation.of(context, unit, points, completeOnly);
        if (observations.size() < startup) {
            return start.propose(context);
        }
        var ranked = ranked(observations, context.objectives().size());
        var densities = new Density[unit.dimension()];
        var models = preselect > 1 ? ObjectiveModels.ofTrials(observations) : null;
        return NoRepeats.propose(context, "tpe", attempt -> {
            if (models == null) {
                return draw(context, unit, ranked, densities, attempt, 0);
            }
            var drawn = new ArrayList<Map<String, Object>>(preselect);
            var encoded = new ArrayList<double[]>(preselect);
            for (int c = 0; c < preselect; c++) {
                var config = draw(context, unit, ranked, densities, attempt, c);
                drawn.add(config);
                encoded.add(ObjectiveModels.filled(unit.encode(config)));
            }
            return drawn.get(models.best(encoded));
        });
    }

    /**
     * One configuration drawn from the densities (built on first use, once per proposal);
     * configuration 0 of an attempt is TPE's usual one, the others ({@code preselect}) draw from
     * their own generators.
     */
    private Map<String, Object> draw(ProposalContext context, UnitSpace unit, Ranked ranked, Density[] densities, int attempt,
                                     int configuration) {
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < unit.dimension(); i++) {
            String name = unit.name(i);
            if (context.space().isActive(name, out)) {
                if (densities[i] == null) {
                    densities[i] = density(unit, i, ranked);
                }
                String salt = configuration == 0 ? name : name + "#configuration" + configuration;
                out.put(name, unit.decode(i, densities[i].draw(NoRepeats.rng(context, salt, attempt))));
            }
        }
        return out;
    }

    /**
     * A param the trial's code defines while running (define-by-run) gets TPE's choice too,
     * learned from the finished trials that have it: the same estimator as {@link #propose}
     * on a one-param space. Before {@code startup_trials} of them exist, a uniform draw.
     */
    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        // The condition's parent is not in the one-param space; the coordinator has already
        // decided that the param is being asked for.
        var space = SearchSpace.builder().add(name, param.withWhen(null)).build();
        var unit = new UnitSpace(space);
        var one = new ProposalContext(space, context.objectives(), context.seed(), context.number(), context.history(),
                context.proposed(), context.constraints());
        var observations = Observation.of(one, unit, null, completeOnly).stream().filter(o -> !Double.isNaN(o.point()[0])).toList();
        if (observations.size() < startup) {
            return SearchStrategy.super.suggest(context, name, param);
        }
        return unit.decode(0, coordinate(unit, 0, ranked(observations, context.objectives().size()), Seeds.forTrial(context.seed(), context.number(), name)));
    }

    /**
     * The observations in trial-number order and from best to worst ({@link Observation#BEST_FIRST}):
     * sorted once per proposal, not once per param. With several objectives, {@code good} holds
     * the good group and its weights ({@link ParetoSplit}), chosen once among all observations
     * as Optuna does; with one it is null and each param takes the best γ(n) of the
     * observations that have it.
     */
    record Ranked(List<Observation> byNumber, List<Observation> bestFirst, Map<Observation, Double> good) {
    }

    /** The observations ranked by the first objective alone (CMA-ES's categorical model). */
    static Ranked ranked(List<Observation> observations) {
        return ranked(observations, 1);
    }

    static Ranked ranked(List<Observation> observations, int objectives) {
        if (objectives > 1) {
            return new Ranked(observations, List.of(), ParetoSplit.good(observations, gamma(observations.size())));
        }
        var bestFirst = new ArrayList<>(observations);
        bestFirst.sort(Observation.BEST_FIRST);
        return new Ranked(observations, bestFirst, null);
    }

    /** The size of the good group among n observations: min(⌈0.1·n⌉, 25). */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /**
     * The coordinate of param i with the best good/bad density ratio among the candidates.
     *
     * @param ranked the observations (see {@link #ranked})
     */
    double coordinate(UnitSpace unit, int i, Ranked ranked, RandomGenerator rng) {
        return density(unit, i, ranked).draw(rng);
    }

    /** Draws a param's coordinate: the candidate with the best good/bad density ratio. */
    @FunctionalInterface
    interface Density {
        double draw(RandomGenerator rng);
    }

    /** Param i's good and bad densities, fitted once, as a {@link Density} to draw from. */
    Density density(UnitSpace unit, int i, Ranked ranked) {
        var split = Split.of(ranked, i);
        if (split == null) {
            return RandomGenerator::nextDouble;
        }
        if (unit.param(i) instanceof CategoricalParam c) {
            int k = c.choices().size();
            double[] good = categorical(split.below, split.belowWeights(), i, k);
            double[] bad = categorical(split.above, weights(split.above.size()), i, k);
            double[] cumulative = new double[k];
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += good[j];
                cumulative[j] = sum;
            }
            double acc = sum;
            return rng -> drawChoice(good, bad, cumulative, acc, rng);
        }
        var good = parzen(split.below, split.belowWeights(), i);
        var bad = parzen(split.above, weights(split.above.size()), i);
        return rng -> drawValue(unit, i, good, bad, rng);
    }

    private double drawChoice(double[] good, double[] bad, double[] cumulative, double acc, RandomGenerator rng) {
        int k = good.length;
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < candidates; s++) {
            double r = rng.nextDouble() * acc;
            int j = 0;
            while (j < k - 1 && cumulative[j] <= r) {
                j++;
            }
            double score = Math.log(good[j]) - Math.log(bad[j]);
            if (score > bestScore) {
                bestScore = score;
                best = j;
            }
        }
        return (best + 0.5) / k;
    }

    private double drawValue(UnitSpace unit, int i, ParzenEstimator good, ParzenEstimator bad, RandomGenerator rng) {
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        long cells = cells(unit.param(i));
        for (int s = 0; s < candidates; s++) {
            double x = good.sample(rng);
            double score;
            if (cells > 0) {
                // An int or a stepped float: the candidate is its cell, scored by the cell's mass.
                double k = Math.min(cells - 1, Math.floor(x * cells));
                x = (k + 0.5) / cells;
                score = good.logMass(k / cells, (k + 1) / cells) - bad.logMass(k / cells, (k + 1) / cells);
            } else {
                // A log-scaled int is scored at the value it rounds to.
                x = unit.param(i) instanceof IntParam p && p.log() ? UnitSpace.encode(p, unit.decode(i, x)) : x;
                score = good.logDensity(x) - bad.logDensity(x);
            }
            if (score > bestScore || Double.isNaN(best)) {
                bestScore = score;
                best = x;
            }
        }
        return best;
    }

    /** The number of equal cells of a linear int or a stepped float; 0 for a continuous or log-scaled param. */
    static long cells(Param param) {
        return switch (param) {
            case IntParam p when !p.log() -> p.cardinality();
            case FloatParam f when f.step() != null -> f.steps();
            default -> 0;
        };
    }

    private ParzenEstimator parzen(List<Observation> group, double[] weights, int i) {
        double[] xs = new double[group.size()];
        for (int j = 0; j < xs.length; j++) {
            xs[j] = group.get(j).point()[i];
        }
        return new ParzenEstimator(xs, weights, priorWeight);
    }

    /**
     * The probability of each choice under a group's categorical estimator. As Optuna 3.1 builds
     * it: one kernel per observation that puts ε = prior_weight / (n + 1) on every choice and 1
     * more on its own, normalised, plus a uniform prior kernel of weight prior_weight, mixed
     * with the observations' weights; with few observations this is much smoother than
     * counting (a choice none of 10 good trials took keeps 0.083 of 4 choices, not 0.023). By
     * counting ({@link #countingChoices}): prior_weight / k per choice plus the weight of each
     * observation on its choice, normalised.
     */
    double[] categorical(List<Observation> group, int i, int k) {
        return categorical(group, weights(group.size()), i, k);
    }

    double[] categorical(List<Observation> group, double[] obs, int i, int k) {
        int n = group.size();
        double total = Arrays.stream(obs).sum() + priorWeight;
        double epsilon = counting ? 0 : priorWeight / (n + 1);
        double[] p = new double[k];
        Arrays.fill(p, priorWeight / total / k);
        for (int j = 0; j < n; j++) {
            double w = obs[j] / total / (1 + k * epsilon);
            int choice = Math.min(k - 1, (int) Math.floor(group.get(j).point()[i] * k));
            for (int c = 0; c < k; c++) {
                p[c] += w * (epsilon + (c == choice ? 1 : 0));
            }
        }
        for (int c = 0; c < k; c++) {
            p[c] = Math.max(p[c], 1e-12);
        }
        return p;
    }

    /** Optuna's default weights: the 25 newest count fully, older ones ramp down linearly. */
    static double[] weights(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        int ramp = n - 25;
        for (int j = 0; j < ramp; j++) {
            w[j] = ramp == 1 ? 1.0 / n : 1.0 / n + j * (1.0 - 1.0 / n) / (ramp - 1);
        }
        return w;
    }

    /**
     * The bad density keeps only this many of the newest "rest" trials. Optuna's weights already
     * fade older trials linearly toward 1/n; past a thousand, dropping the oldest changes the
     * density little and keeps a proposal at 10,000 trials as cheap as at 1,000. (Histories of
     * up to {@value} + 25 trials are unaffected.)
     */
    static final int MAX_ABOVE = 1000;

    /**
     * The best γ(n) observations that have param i (with several objectives: those of the good
     * group that have it) and the newest {@link #MAX_ABOVE} of the rest, each in trial-number
     * order; with several objectives the good ones carry {@link ParetoSplit}'s weights.
     */
    record Split(List<Observation> below, List<Observation> above, double[] belowWeights) {
        /** The split, or null when fewer than two observations have the param. */
        static Split of(Ranked ranked, int i) {
            int n = 0;
            for (var o : ranked.byNumber()) {
                n += Double.isNaN(o.point()[i]) ? 0 : 1;
            }
            if (n < 2) {
                return null;
            }
            if (ranked.good() != null) {
                return of(ranked.byNumber(), i, ranked.good());
            }
            int nBelow = gamma(n);
            // Infeasible trials are never good, however few the others.
            var best = Collections.newSetFromMap(new IdentityHashMap<Observation, Boolean>());
            for (var o : ranked.bestFirst()) {
                if (best.size() == nBelow || o.tier() == Observation.INFEASIBLE) {
                    break;
                }
                if (!Double.isNaN(o.point()[i])) {
                    best.add(o);
                }
            }
            var below = new ArrayList<Observation>();
            var above = new ArrayList<Observation>();
            for (var o : ranked.byNumber()) {
                if (!Double.isNaN(o.point()[i])) {
                    (best.contains(o) ? below : above).add(o);
                }
            }
            return new Split(below, newest(above), weights(below.size()));
        }

        private static Split of(List<Observation> byNumber, int i, Map<Observation, Double> good) {
            var below = new ArrayList<Observation>();
            var above = new ArrayList<Observation>();
            for (var o : byNumber) {
                if (!Double.isNaN(o.point()[i])) {
                    (good.containsKey(o) ? below : above).add(o);
                }
            }
            return new Split(below, newest(above), below.stream().mapToDouble(good::get).toArray());
        }

        private static List<Observation> newest(List<Observation> above) {
            return above.size() > MAX_ABOVE ? above.subList(above.size() - MAX_ABOVE, above.size()) : above;
        }
    }
}
