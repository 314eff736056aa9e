package io.tunelab.server.strategy;

import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CMA-ES over the always-active numeric params (in the unit cube), with IPOP restarts: when the
 * distribution collapses, it starts again from a random mean with a doubled population.
 * Categorical and conditional params are drawn by {@link TpeSearch}'s per-param estimator.
 *
 * <p>Asynchronous and stateless: the distribution is rebuilt by replaying the finished
 * trials in trial-number order, λ at a time, each generation with the points as evaluated.
 * A proposal never waits for a generation to finish; it samples the latest distribution with
 * a generator seeded by the experiment seed and the trial number. The replay is cached by the
 * trials it consumed, and a cached state is used only when those trials are a prefix of the
 * current ones, so a cached proposal equals a fresh rebuild.
 *
 * <p>Within a generation the trials are ranked by {@link Observation#BEST_FIRST}: COMPLETE ones
 * by value, then PRUNED ones by the step they reached and their value there, then complete ones
 * outside the experiment's constraints by violation (least first), then FAILED ones (infeasible)
 * last, so the distribution moves toward feasible trials and active CMA's negative weights push
 * it away from the ones that break the constraints most.
 * RUNNING and WAITING trials are not replayed, only never proposed again. Integer and stepped
 * params round the sample onto their grid; a sample that rounds onto an earlier configuration
 * is drawn again from the same distribution ({@link NoRepeats}).
 *
 * <p>With {@code preselect: quadratic} a proposal is the best of {@value #CANDIDATES} draws from
 * the distribution by a {@link QuadraticSurrogate} fitted to the best complete trials so far
 * (the first draw while there are too few for a model), so the distribution's draws are steered by
 * what a quadratic fit of the landscape predicts. The chosen point enters the replay as any other
 * trial does; a step longer than the distribution allows is clipped there, as for injected
 * solutions. With {@code preselect: quadratic_or_additive} the model is, of the full quadratic, the
 * diagonal quadratic and the additive quartic (a polynomial of degree 4 in each coordinate apart),
 * the one with the lowest leave-one-out error on those trials ({@link QuadraticSurrogate#fitChosen}).
 * With {@code preselect: additive_early} the additive quartic competes with the diagonal quadratic
 * only while there are too few complete trials for the full quadratic (80 in 10-D); from then on
 * the model is {@code quadratic}'s ({@link QuadraticSurrogate#fitAdditiveEarly}).
 * With {@code preselect: additive_if_separable} the model is {@code quadratic}'s unless the additive
 * quartic predicts the trials it leaves out nearly exactly and ten times better than that quadratic,
 * a test of separability ({@link QuadraticSurrogate#fitIfSeparable}).
 * The draws and the fit depend only on the seed, the trial number and the history.
 */
public final class CmaEsSearch implements SearchStrategy {
    private final int populationOption;
    private final double sigma0;
    private final int startup;
    private final String preselect;
    private final TpeSearch others = TpeSearch.countingChoices();
    private final SearchStrategy start = new SobolSearch();
    /** Trial id → unit point; finished trials never change, so their encoding is kept. */
    private final Map<Long, double[]> points = new ConcurrentHashMap<>();
    private final PrefixCache<Replay> cache = new PrefixCache<>(Replay::copy);

    /**
     * @param population λ, or 0 for 4 + ⌊3 ln n⌋
     * @param sigma0     the initial step size in the unit cube
     * @param startup    quasi-random trials before the first generation; with some, the search
     *                   starts at the best of them instead of the centre
     */
    CmaEsSearch(int population, double sigma0, int startup, String preselect) {
        this.populationOption = population;
        this.sigma0 = sigma0;
        this.startup = startup;
        this.preselect = preselect;
    }

    /** How CMA-ES may choose among its draws, option {@code preselect}. */
    static final List<String> PRESELECTS = List.of("none", "quadratic", "quadratic_or_additive", "additive_early",
            "additive_if_separable");

    /**
     * With {@code preselect: quadratic}, how many draws the surrogate chooses among. Chosen on
     * seeds 900–919 of the 10-D problems inside {@code auto}'s portfolio (experiments/QUALITY.md,
     * "Surrogate pre-selection in CMA-ES"): 4 and 10 helped less on the rotated ellipsoid, 100
     * no more than 30.
     */
    static final int CANDIDATES = 30;

    /** Reads the options of strategy "cmaes". */
    static CmaEsSearch of(Options options) {
        var cma = new CmaEsSearch(options.integer("population", 0, 0, 10_000),
                options.number("sigma0", 1.0 / 6, 1e-4, 1.0),
                options.integer("startup_trials", 0, 0, 10_000),
                options.choice("preselect", "none", PRESELECTS));
        options.done();
        return cma;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var unit = new UnitSpace(context.space());
        int[] dims = cmaDimensions(unit);
        var observations = Observation.of(context, unit, points, false);
        if (dims.length == 0 || observations.size() < startup) {
            return dims.length == 0 ? others.propose(context) : start.propose(context);
        }
        var state = replay(observations, dims, context.seed());
        var ranked = TpeSearch.ranked(observations);
        var surrogate = preselect.equals("none") ? null : surrogate(observations, dims, preselect);
        return NoRepeats.propose(context, "cma", attempt -> {
            var rng = NoRepeats.rng(context, "cma", attempt);
            double[] x = state.sample(rng);
            if (surrogate != null) {
                double best = surrogate.predict(x);
                for (int c = 1; c < CANDIDATES; c++) {
                    double[] y = state.sample(rng);
                    double p = surrogate.predict(y);
                    if (p < best) {
                        best = p;
                        x = y;
                    }
                }
            }
            var out = new LinkedHashMap<String, Object>();
            int k = 0;
            for (int i = 0; i < unit.dimension(); i++) {
                String name = unit.name(i);
                if (k < dims.length && dims[k] == i) {
                    out.put(name, unit.decode(i, x[k++]));
                } else if (context.space().isActive(name, out)) {
                    out.put(name, unit.decode(i, others.coordinate(unit, i, ranked, NoRepeats.rng(context, name, attempt))));
                }
            }
            return out;
        });
    }

    /**
     * The quadratic model of the loss over the CMA-ES dimensions, from the best complete trials
     * that keep the constraints (at most {@link QuadraticSurrogate#maxPoints}), whoever proposed
     * them; null while there are too few. Pruned, failed and constrained trials have no loss
     * comparable to a complete one's, so they are left out. {@code preselect} is the option's
     * value: {@code quadratic} ({@link QuadraticSurrogate#fit}), {@code quadratic_or_additive}, the
     * model of the form with the lowest leave-one-out error ({@link QuadraticSurrogate#fitChosen},
     * at most {@link QuadraticSurrogate#maxPointsChosen} trials), or {@code additive_early}
     * ({@link QuadraticSurrogate#fitAdditiveEarly}, at most {@link QuadraticSurrogate#maxPoints}), or
     * {@code additive_if_separable} ({@link QuadraticSurrogate#fitIfSeparable}, as many).
     */
    static QuadraticSurrogate surrogate(List<Observation> observations, int[] dims) {
        return surrogate(observations, dims, "quadratic");
    }

    static QuadraticSurrogate surrogate(List<Observation> observations, int[] dims, String preselect) {
        boolean chosen = preselect.equals("quadratic_or_additive");
        var complete = new ArrayList<Observation>();
        for (var o : observations) {
            if (o.isComplete() && Double.isFinite(o.loss())) {
                complete.add(o);
            }
        }
        complete.sort(Observation.BEST_FIRST);
        int most = chosen ? QuadraticSurrogate.maxPointsChosen(dims.length) : QuadraticSurrogate.maxPoints(dims.length);
        var used = complete.subList(0, Math.min(most, complete.size()));
        var points = new ArrayList<double[]>();
        double[] values = new double[used.size()];
        for (int k = 0; k < used.size(); k++) {
            points.add(project(used.get(k).point(), dims));
            values[k] = used.get(k).loss();
        }
        return switch (preselect) {
            case "quadratic_or_additive" -> QuadraticSurrogate.fitChosen(points, values);
            case "additive_early" -> QuadraticSurrogate.fitAdditiveEarly(points, values);
            case "additive_if_separable" -> QuadraticSurrogate.fitIfSeparable(points, values);
            default -> QuadraticSurrogate.fit(points, values);
        };
    }

    /** A define-by-run param is drawn by TPE's per-param estimator, as categoricals are. */
    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return others.suggest(context, name, param);
    }

    static int[] cmaDimensions(UnitSpace unit) {
        var dims = new ArrayList<Integer>();
        for (int i = 0; i < unit.dimension(); i++) {
            if (!unit.isCategorical(i) && unit.isUnconditional(i)) {
                dims.add(i);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The distribution after every complete generation of the observations. */
    CmaState replay(List<Observation> observations, int[] dims, long seed) {
        int[] numbers = observations.stream().mapToInt(o -> o.trial().number()).toArray();
        var cached = cache.lookup(seed, dims.length, numbers);
        int[] consumed = cached != null ? cached.consumed() : initialConsumed(observations);
        Replay replay = cached != null ? cached.state() : initial(observations, dims);
        var batch = new ArrayList<Observation>();
        for (int j = consumed.length; j < observations.size(); j++) {
            batch.add(observations.get(j));
            if (batch.size() == replay.state.lambda) {
                batch.sort(Observation.BEST_FIRST);
                var generation = new ArrayList<double[]>();
                for (var o : batch) {
                    generation.add(project(o.point(), dims));
                }
                replay.state.update(generation);
                consumed = Arrays.copyOf(numbers, j + 1);
                batch.clear();
                if (replay.state.degenerate()) {
                    replay.restarts++;
                    var rng = Seeds.forTrial(seed, -1 - replay.restarts, "cma-restart");
                    replay.state = new CmaState(dims.length, replay.state.lambda * 2, UnitSpace.uniform(dims.length, rng), sigma0);
                }
            }
        }
        cache.store(seed, dims.length, consumed, replay);
        return replay.state;
    }

    /** The quasi-random start: its trials are not a CMA generation. */
    private int[] initialConsumed(List<Observation> observations) {
        return observations.subList(0, startup).stream().mapToInt(o -> o.trial().number()).toArray();
    }

    private Replay initial(List<Observation> observations, int[] dims) {
        double[] mean = new double[dims.length];
        Arrays.fill(mean, 0.5);
        if (startup > 0) {
            // Start from the best quasi-random point.
            var best = observations.subList(0, startup).stream().min(Observation.BEST_FIRST).orElseThrow();
            mean = project(best.point(), dims);
        }
        int lambda = populationOption > 0 ? populationOption : CmaState.defaultLambda(dims.length);
        return new Replay(new CmaState(dims.length, lambda, mean, sigma0), 0);
    }

    private static double[] project(double[] point, int[] dims) {
        double[] x = new double[dims.length];
        for (int k = 0; k < dims.length; k++) {
            x[k] = point[dims[k]];
        }
        return x;
    }

    /** The search distribution and how many times it restarted. Mutable; copied by the cache. */
    private static final class Replay {
        CmaState state;
        int restarts;

        Replay(CmaState state, int restarts) {
            this.state = state;
            this.restarts = restarts;
        }

        Replay copy() {
            return new Replay(state.copy(), restarts);
        }
    }
}
