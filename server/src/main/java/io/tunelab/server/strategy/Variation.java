package io.tunelab.server.strategy;

import io.tunelab.api.Options;
import io.tunelab.api.Seeds;
import io.jenetics.DoubleChromosome;
import io.jenetics.DoubleGene;
import io.jenetics.Genotype;
import io.jenetics.Phenotype;
import io.jenetics.util.ISeq;
import io.tunelab.api.CategoricalParam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The genetic encoding of a configuration and the variation operators suited to each param
 * kind. A genotype has one {@link DoubleChromosome} of length 1 per param, holding its unit
 * coordinate; a param that a configuration does not have (inactive) carries a hidden gene
 * drawn from the trial's own generator, so it can become active again in a child.
 *
 * <p>Crossover: by default numeric params (floats, ints) blend — the child lies on the line
 * through the parents, up to a quarter beyond either — and categoricals take one parent's
 * choice; with uniform crossover every param takes one parent's value. Mutation: by default a
 * numeric param moves by a Gaussian step in the unit cube (reflected at the bounds), at least to
 * the neighbouring value of an int or stepped float, and at least one param of every child
 * mutates; with resampling a mutated numeric param is drawn again from its whole range (Optuna
 * 3.1's NSGA-II does both). A categorical mutates to another choice, uniformly. A child that
 * still repeats an earlier configuration is bred again ({@link NoRepeats}).
 */
final class Variation {
    private static final SearchStrategy START = new SobolSearch();

    private final UnitSpace unit;
    private final double crossoverRate;
    private final double mutationRate;
    private final double mutationSigma;
    private final boolean adaptive;
    private final boolean uniform;
    private final boolean resample;
    /** Per-param mutation steps when adaptive; set by {@link #adapt}. */
    private double[] steps;

    /**
     * The variation knobs of a strategy.
     *
     * @param crossoverRate the chance that a child recombines its parents at all
     * @param mutationRate  the chance of each param to mutate; 0 means 1 / (number of params)
     * @param mutationSigma the Gaussian step of a numeric mutation, in the unit cube
     * @param adaptive      whether each param's step shrinks to the population's spread in it
     *                      (never above mutationSigma; see {@link #adapt})
     * @param uniform       whether a numeric param takes one parent's value (uniform crossover)
     *                      instead of a point on the line through both (blend crossover)
     * @param resample      whether a mutated numeric param is drawn again uniformly from its range
     *                      instead of moved by a Gaussian step; no param is then forced to mutate
     */
    record Settings(double crossoverRate, double mutationRate, double mutationSigma, boolean adaptive,
                    boolean uniform, boolean resample) {
        /** Blend crossover and Gaussian mutation, the evolutionary strategies' default operators. */
        Settings(double crossoverRate, double mutationRate, double mutationSigma, boolean adaptive) {
            this(crossoverRate, mutationRate, mutationSigma, adaptive, false, false);
        }

        /** Reads the shared options of the evolutionary strategies. */
        static Settings of(Options options) {
            return of(options, 0.1, "blend", "gaussian");
        }

        /** The same, with a strategy's own default mutation step and operators. */
        static Settings of(Options options, double defaultSigma, String crossover, String mutation) {
            return new Settings(options.number("crossover_rate", 0.9, 0.0, 1.0),
                    options.number("mutation_rate", 0.0, 0.0, 1.0),
                    options.number("mutation_sigma", defaultSigma, 1e-4, 1.0),
                    options.bool("adaptive_mutation", false),
                    options.choice("crossover", crossover, List.of("blend", "uniform")).equals("uniform"),
                    options.choice("mutation", mutation, List.of("gaussian", "resample")).equals("resample"));
        }
    }

    /** Picks two parents from the observed trials. */
    @FunctionalInterface
    interface Parents {
        ISeq<? extends Phenotype<DoubleGene, ?>> select(List<Observation> observations, Variation variation, RandomGenerator rng);
    }

    /** Breeds one child, as unit coordinates, from an attempt's generator. */
    @FunctionalInterface
    interface Child {
        double[] breed(RandomGenerator rng);
    }

    /** What a proposal works out once from the observed trials (a population, models) before its attempts breed from it. */
    @FunctionalInterface
    interface Brood {
        Child prepare(List<Observation> observations, Variation variation);
    }

    Variation(UnitSpace unit, Settings settings) {
        this.unit = unit;
        this.crossoverRate = settings.crossoverRate();
        this.mutationRate = settings.mutationRate() > 0 ? settings.mutationRate() : 1.0 / Math.max(1, unit.dimension());
        this.mutationSigma = settings.mutationSigma();
        this.adaptive = settings.adaptive();
        this.uniform = settings.uniform();
        this.resample = settings.resample();
    }

    /**
     * The steady-state step both evolutionary strategies share: quasi-random until
     * {@code population} trials have finished (completed ones only, with {@code completeOnly}),
     * then one child of two parents, with a generator seeded by the experiment seed, the trial
     * number and {@code salt}. A child that repeats an earlier configuration is bred again from
     * other draws ({@link NoRepeats}). {@code points} keeps the unit points of trials already
     * encoded (see {@link Observation#of}).
     */
    static Map<String, Object> breed(ProposalContext context, int population, Settings settings, String salt, Parents parents,
                                     Map<Long, double[]> points, boolean completeOnly) {
        return breed(context, population, settings, salt, (observations, variation) -> rng -> {
            var pair = parents.select(observations, variation, rng);
            return variation.child(pair.get(0).genotype(), pair.get(1).genotype(), rng);
        }, points, completeOnly);
    }

    /** {@link #breed(ProposalContext, int, Settings, String, Parents, Map, boolean)}, each child bred as {@code brood} prepares it once per proposal. */
    static Map<String, Object> breed(ProposalContext context, int population, Settings settings, String salt, Brood brood,
                                     Map<Long, double[]> points, boolean completeOnly) {
        var unit = new UnitSpace(context.space());
        var observations = Observation.of(context, unit, points, completeOnly);
        if (observations.size() < population) {
            return START.propose(context);
        }
        Child child = brood.prepare(observations, new Variation(unit, settings));
        return NoRepeats.propose(context, salt, attempt -> unit.decode(child.breed(NoRepeats.rng(context, salt, attempt))));
    }

    /**
     * When adaptive, sets each numeric param's mutation step to the standard deviation of the
     * population's coordinates in it, between 0.002 and mutationSigma: the full step while the
     * population is spread out, finer once it has converged — an evolution strategy's step-size
     * adaptation, rebuilt from the population alone.
     */
    void adapt(List<double[]> population) {
        if (!adaptive || population.size() < 2) {
            return;
        }
        int d = unit.dimension();
        steps = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            double sumSq = 0;
            for (double[] x : population) {
                sum += x[i];
                sumSq += x[i] * x[i];
            }
            int n = population.size();
            double variance = Math.max(0, (sumSq - sum * sum / n) / (n - 1));
            steps[i] = Math.min(mutationSigma, Math.max(0.002, Math.sqrt(variance)));
        }
    }

    /** The genotype of an observed configuration. */
    Genotype<DoubleGene> genotype(Observation o, long seed) {
        var rng = Seeds.forTrial(seed, o.trial().number(), "hidden-genes");
        var chromosomes = new ArrayList<DoubleChromosome>();
        for (double u : o.point()) {
            double hidden = rng.nextDouble();
            chromosomes.add(DoubleChromosome.of(DoubleGene.of(Double.isNaN(u) ? hidden : u, 0, 1)));
        }
        return Genotype.of(chromosomes);
    }

    /** The unit coordinates a genotype holds. */
    static double[] point(Genotype<DoubleGene> genotype) {
        double[] u = new double[genotype.length()];
        for (int i = 0; i < u.length; i++) {
            u[i] = genotype.get(i).gene().doubleValue();
        }
        return u;
    }

    /** A child of two parents, as unit coordinates. */
    double[] child(Genotype<DoubleGene> first, Genotype<DoubleGene> second, RandomGenerator rng) {
        double[] a = point(first);
        double[] b = point(second);
        int d = a.length;
        double[] x = a.clone();
        if (rng.nextDouble() < crossoverRate) {
            for (int i = 0; i < d; i++) {
                if (uniform || unit.isCategorical(i)) {
                    x[i] = rng.nextBoolean() ? a[i] : b[i];
                } else {
                    double beta = -0.25 + 1.5 * rng.nextDouble();
                    x[i] = reflect(a[i] + beta * (b[i] - a[i]));
                }
            }
        }
        boolean mutated = false;
        for (int i = 0; i < d; i++) {
            if (rng.nextDouble() < mutationRate) {
                mutate(x, i, rng);
                mutated = true;
            }
        }
        if (!mutated && !resample && d > 0) {
            mutate(x, rng.nextInt(d), rng);
        }
        return x;
    }

    /**
     * Mutates param i so that its value changes: a categorical takes another choice, and a
     * numeric step that stays inside the same int or grid cell (it would change nothing) moves
     * to the neighbouring value in its direction instead.
     */
    private void mutate(double[] x, int i, RandomGenerator rng) {
        var param = unit.param(i);
        if (param instanceof CategoricalParam c) {
            int k = c.choices().size();
            if (k > 1) {
                int current = Math.min(k - 1, (int) Math.floor(x[i] * k));
                x[i] = ((current + 1 + rng.nextInt(k - 1)) % k + 0.5) / k;
            }
            return;
        }
        if (resample) {
            x[i] = rng.nextDouble();
            return;
        }
        double step = steps != null ? steps[i] : mutationSigma;
        double before = x[i];
        double gaussian = rng.nextGaussian();
        x[i] = reflect(x[i] + step * gaussian);
        Object old = unit.decode(i, before);
        if (param.isDiscrete() && Objects.equals(unit.decode(i, x[i]), old)) {
            int direction = gaussian >= 0 ? 1 : -1;
            Object moved = NoRepeats.neighbour(param, old, direction);
            moved = moved != null ? moved : NoRepeats.neighbour(param, old, -direction);
            if (moved != null) {
                x[i] = UnitSpace.encode(param, moved);
            }
        }
    }

    /** Folds a coordinate back into [0,1) as a mirror would. */
    static double reflect(double u) {
        double r = u % 2.0;
        if (r < 0) {
            r += 2.0;
        }
        r = r > 1 ? 2 - r : r;
        return Math.min(Math.nextDown(1.0), r);
    }
}
