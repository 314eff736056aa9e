package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Options;
import io.tunelab.api.Param;
import io.tunelab.api.Trial;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Bayesian optimisation with a Gaussian process ({@link GaussianProcess}: Matérn 5/2, one length
 * scale per param, constant mean, fitted noise) in the unit cube of {@link UnitSpace}: log
 * params in log space, ints and stepped floats rounded to their grid before the model sees
 * them, categoricals by a Hamming term. The first {@code startup_trials} trials are Sobol points;
 * after that each proposal maximises log expected improvement ({@link ExpectedImprovement}) of
 * the standardised first objective. One objective only: {@link Strategies} refuses it with more.
 *
 * <p>What it learns from each trial state ({@link Observation}):
 * <ul>
 *   <li>COMPLETE and RACED_OUT: their value;</li>
 *   <li>PRUNED: the value of their last report, but never better than the best complete trial
 *       (an intermediate value is not a result to improve on);</li>
 *   <li>COMPLETE outside the constraints: their value (the constraints are modelled apart, below);</li>
 *   <li>FAILED (and COMPLETE without a finite value): the worst finite value among the modelled
 *       trials (infeasible: the model steers away);</li>
 *   <li>RUNNING and WAITING (the most recent {@code fit_points} of them): believed to return the
 *       posterior mean at their point under the model of the finished trials, exactly (the
 *       kriging believer: no refit, no noise), so that the variance collapses there and several
 *       workers asking before any of them tells get different trials; and never proposed again
 *       ({@link NoRepeats}).</li>
 * </ul>
 * Only COMPLETE and RACED_OUT trials set the value expected improvement is measured from. With
 * nothing pending, as in a sequential run, the believer changes nothing.
 *
 * <p>With constraints, each constraint's margin gets a Gaussian process of its own, fitted to the
 * finished trials that reported its metric ({@link Feasibility}), and a proposal maximises log
 * expected improvement over the best feasible trial plus the log probability that every
 * constraint holds; while no trial is feasible, that probability alone, so the search moves
 * toward where the constraints hold instead of drawing Sobol points until one does. An optimum
 * on a constraint's boundary is then approached from both sides. Without constraints the
 * proposals are what they were before constraints were modelled, to the bit.
 *
 * <p>With {@code warping: power} the finished trials' values go through a Yeo–Johnson transform
 * fitted to them ({@link PowerWarping}) before they are standardised: monotone, so the best stays
 * the best, but a few values decades above the rest no longer dominate the fit.
 *
 * <p>Bounded cost: the model holds at most {@code fit_points} finished trials, the best half of
 * them by {@link Observation#BEST_FIRST} and the rest the most recent (and at most as many
 * pending ones besides). Its hyperparameters
 * ({@link GaussianProcessFit}) are fitted for every trial up to 40 finished trials, then at
 * every 2nd, 4th, … (the step doubles each time the count does, 2 from 40, 4 from 80, …), each
 * fit from the trials finished by then and from the same fixed start; proposals in between reuse
 * the last fit with the newer trials conditioned on. So the proposal is a function of the seed
 * and the history alone: a restarted server refits once and proposes the same trial. Fits are
 * cached by the trials they used, which only saves time.
 */
public final class GpSearch implements SearchStrategy {
    /** Finished trials up to which the hyperparameters are refitted for every trial. */
    static final int REFIT_EVERY_TRIAL = 40;
    /** Likelihood evaluations per hyperparameter fit. */
    static final int FIT_EVALUATIONS = 150;

    /** The values {@code warping} takes: none, or a Yeo–Johnson transform ({@link PowerWarping}). */
    static final List<String> WARPINGS = List.of("none", "power");

    private final int startup;
    private final int fitPoints;
    private final boolean warp;
    private final SearchStrategy start = new SobolSearch();
    /** Draws the params a trial defines as it runs, which the model does not hold (as CMA-ES does). */
    private final TpeSearch others = TpeSearch.countingChoices();
    private final Map<Long, double[]> points = new ConcurrentHashMap<>();
    private final Map<FitKey, double[]> fits = Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FitKey, double[]> eldest) {
            return size() > 16; // the objective's recent fits, and each constraint's (only saves time)
        }
    });

    GpSearch(int startup, int fitPoints, boolean warp) {
        this.startup = startup;
        this.fitPoints = fitPoints;
        this.warp = warp;
    }

    /** Reads the options of strategy "gp". */
    static GpSearch of(Options options) {
        var gp = new GpSearch(options.integer("startup_trials", 10, 1, 10_000), options.integer("fit_points", 100, 10, 2_000),
                options.choice("warping", "none", WARPINGS).equals("power"));
        options.done();
        return gp;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var unit = new UnitSpace(context.space());
        var observations = Observation.of(context, unit, points, false);
        boolean constrained = !context.constraints().isEmpty();
        if (unit.dimension() == 0 || observations.size() < startup
                || observations.stream().noneMatch(o -> o.tier() <= Observation.RACED_OUT || constrained && o.tier() == Observation.CONSTRAINED)) {
            return start.propose(context);
        }
        int d = unit.dimension();
        boolean[] categorical = new boolean[d];
        var numeric = new ArrayList<Integer>();
        for (int i = 0; i < d; i++) {
            categorical[i] = unit.isCategorical(i);
            if (!categorical[i] && unit.isUnconditional(i)) {
                numeric.add(i);
            }
        }
        var fitted = select(observations.subList(0, checkpoint(observations.size())), fitPoints);
        var fitData = Data.of(fitted, warp, constrained);
        double[] hyper = fits.computeIfAbsent(fitData.key(),
                k -> GaussianProcessFit.fit(fitData.x(), fitData.y(), categorical, FIT_EVALUATIONS));
        var modelled = select(observations, fitPoints);
        var data = Data.of(modelled, warp, constrained);
        GaussianProcess finished = conditioned(data.x(), data.y(), categorical, hyper);
        if (finished == null) {
            return start.propose(context);
        }
        GaussianProcess gp = believing(finished, data, pending(context, unit), categorical, hyper);
        Feasibility feasibility = constrained ? Feasibility.of(modelled, fitted, context.constraints(), categorical,
                (x, y, key) -> fits.computeIfAbsent(key, k -> GaussianProcessFit.fit(x, y, categorical, FIT_EVALUATIONS))) : null;
        var ei = new ExpectedImprovement(gp, data.best(), snap(unit), feasibility);
        var candidates = ei.maximise(d, data.bestPoints(ExpectedImprovement.BEST),
                numeric.stream().mapToInt(Integer::intValue).toArray(), NoRepeats.rng(context, "gp", 0));
        return NoRepeats.propose(context, "gp", attempt -> unit.decode(candidates.get(attempt)));
    }

    /** A param the trial defines as it runs: drawn by TPE's per-param estimator from the trials that defined it. */
    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return others.suggest(context, name, param);
    }

    /** The process with the fitted hyperparameters, or with more noise if that does not factorise; null if neither does. */
    static GaussianProcess conditioned(double[][] x, double[] y, boolean[] categorical, double[] hyper) {
        for (double floor : new double[]{Double.NEGATIVE_INFINITY, Math.log(1e-4), Math.log(1e-2)}) {
            double[] h = hyper.clone();
            h[h.length - 1] = Math.max(h[h.length - 1], floor);
            try {
                return new GaussianProcess(x, y, categorical, h);
            } catch (NonPositiveDefiniteMatrixException e) {
                // try again with more noise
            }
        }
        return null;
    }

    /** The points of the running and waiting trials, the most recent {@code fitPoints} of them, in trial-number order. */
    private List<double[]> pending(ProposalContext context, UnitSpace unit) {
        var trials = new ArrayList<Trial>();
        for (Trial t : context.history()) {
            if (!t.state().isFinished()) {
                trials.add(t);
            }
        }
        trials.sort(Comparator.comparingInt(Trial::number));
        return trials.subList(Math.max(0, trials.size() - fitPoints), trials.size()).stream()
                .map(t -> unit.encode(t.params())).toList();
    }

    /**
     * The kriging believer (Ginsbourger, Le Riche and Carraro, 2010): {@code finished} with each
     * pending point added as if it had returned the posterior mean there, exactly (no noise), with
     * the same hyperparameters (no refit). The mean stays where it was, but the variance collapses
     * at those points, so expected improvement moves on instead of proposing, again, what a
     * running trial is already evaluating. {@code finished} itself when nothing is pending; with
     * the fitted noise on the believed values too when the exact ones do not factorise.
     *
     * <p>The value to improve on stays the best complete one. Lowering it to the best believed
     * value, as the textbook believer does, made batches explore more (to the corners of the box)
     * and ended worse on Hartmann-6 (batches of 4, seeds 0–19).
     */
    private static GaussianProcess believing(GaussianProcess finished, Data data, List<double[]> pending, boolean[] categorical,
                                             double[] hyper) {
        if (pending.isEmpty()) {
            return finished;
        }
        int n = data.x().length;
        double[][] x = Arrays.copyOf(data.x(), n + pending.size());
        double[] y = Arrays.copyOf(data.y(), n + pending.size());
        double[] out = new double[2];
        for (int p = 0; p < pending.size(); p++) {
            x[n + p] = pending.get(p);
            finished.predict(x[n + p], out);
            y[n + p] = out[0];
        }
        try {
            return new GaussianProcess(x, y, categorical, finished.hyper(), n);
        } catch (NonPositiveDefiniteMatrixException e) {
            GaussianProcess noisy = conditioned(x, y, categorical, hyper);
            return noisy != null ? noisy : finished;
        }
    }

    /**
     * How many of the first finished trials the hyperparameters are fitted on when {@code n}
     * have finished: n up to {@value #REFIT_EVERY_TRIAL}, then n rounded down to a multiple of
     * the largest power of two not above n / 20.
     */
    static int checkpoint(int n) {
        if (n <= REFIT_EVERY_TRIAL) {
            return n;
        }
        int step = Integer.highestOneBit(n / (REFIT_EVERY_TRIAL / 2));
        return n - n % step;
    }

    /** At most {@code limit} observations: the best half by {@link Observation#BEST_FIRST}, then the most recent. */
    static List<Observation> select(List<Observation> observations, int limit) {
        if (observations.size() <= limit) {
            return observations;
        }
        var ranked = new ArrayList<>(observations);
        ranked.sort(Observation.BEST_FIRST);
        var chosen = new LinkedHashSet<Observation>(ranked.subList(0, limit / 2));
        for (int j = observations.size() - 1; chosen.size() < limit; j--) {
            chosen.add(observations.get(j));
        }
        var out = new ArrayList<>(chosen);
        out.sort(Comparator.comparingInt(o -> o.trial().number()));
        return out;
    }

    /** A point onto what the space holds (ints rounded, inactive params NaN); identity on plain floats. */
    private static UnaryOperator<double[]> snap(UnitSpace unit) {
        boolean plain = true;
        for (int i = 0; i < unit.dimension(); i++) {
            Param p = unit.param(i);
            plain &= p instanceof FloatParam f && f.step() == null && unit.isUnconditional(i);
        }
        return plain ? UnaryOperator.identity() : u -> unit.encode(unit.decode(u));
    }

    /**
     * The modelled trials: points, standardised values (see the class Javadoc for each state),
     * the best complete value, and a key naming exactly these trials and values.
     */
    record Data(double[][] x, double[] y, double best, FitKey key, List<Observation> observations) {
        static Data of(List<Observation> observations, boolean warp) {
            return of(observations, warp, false);
        }

        /**
         * With {@code constrained}, a trial outside the constraints keeps its own value: the
         * constraints are modelled apart ({@link Feasibility}), so the objective's model may learn
         * from every value it was told.
         */
        static Data of(List<Observation> observations, boolean warp, boolean constrained) {
            double bestComplete = Double.POSITIVE_INFINITY;
            double worst = Double.NEGATIVE_INFINITY;
            for (var o : observations) {
                if (Double.isFinite(o.loss()) && o.tier() != Observation.INFEASIBLE) {
                    worst = Math.max(worst, o.loss());
                    if (o.tier() <= Observation.RACED_OUT) {
                        bestComplete = Math.min(bestComplete, o.loss());
                    }
                }
            }
            int n = observations.size();
            double[] raw = new double[n];
            double[][] x = new double[n][];
            double[] key = new double[2 * n + 1];
            key[2 * n] = n == 0 ? 0 : observations.getFirst().point().length;
            for (int j = 0; j < n; j++) {
                var o = observations.get(j);
                x[j] = o.point();
                raw[j] = switch (o.tier()) {
                    case Observation.PRUNED -> Math.max(o.loss(), bestComplete);
                    case Observation.CONSTRAINED -> Double.isFinite(o.loss()) ? (constrained ? o.loss() : Math.max(o.loss(), worst)) : worst;
                    case Observation.INFEASIBLE -> worst;
                    default -> o.loss();
                };
                key[2 * j] = o.trial().number();
                key[2 * j + 1] = raw[j];
            }
            if (warp && n > 0) {
                var warping = PowerWarping.fit(raw);
                raw = Arrays.stream(raw).map(warping::apply).toArray();
                bestComplete = Double.isFinite(bestComplete) ? warping.apply(bestComplete) : bestComplete;
            }
            double mean = Arrays.stream(raw).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(raw).map(v -> (v - mean) * (v - mean)).average().orElse(0));
            double scale = sd > 0 && Double.isFinite(sd) ? sd : 1;
            double[] y = Arrays.stream(raw).map(v -> (v - mean) / scale).toArray();
            return new Data(x, y, (bestComplete - mean) / scale, new FitKey(key), observations);
        }

        /** The points of the best {@code k} modelled trials, best first. */
        List<double[]> bestPoints(int k) {
            var ranked = new ArrayList<>(observations);
            ranked.sort(Observation.BEST_FIRST);
            return ranked.subList(0, Math.min(k, ranked.size())).stream().map(Observation::point).toList();
        }
    }

    /** The trials and values a fit used, compared by content. */
    record FitKey(double[] content) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FitKey k && Arrays.equals(content, k.content);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "FitKey[" + content.length / 2 + " trials]";
        }
    }
}
