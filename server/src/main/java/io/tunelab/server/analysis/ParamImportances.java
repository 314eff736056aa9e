package io.tunelab.server.analysis;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.ParamImportance;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter importance by functional ANOVA (fANOVA; Hutter et al. 2014) over a random forest,
 * computed as Optuna 3.1's {@code FanovaImportanceEvaluator} computes it:
 * <ul>
 *   <li>only COMPLETE trials with a finite value of the objective are fitted; PRUNED trials
 *       (their last report is not the objective at the end of training) and FAILED ones are
 *       counted in {@code skipped}; WAITING and RUNNING ones are not finished and not counted;</li>
 *   <li>only params set in every one of those trials are assessed; a conditional param that
 *       some trial lacks is listed in {@code notAssessed} (Optuna's intersection search space);</li>
 *   <li>floats and ints are fitted on their own scale, log-scaled ones included (Optuna's fANOVA
 *       does not take the logarithm); each categorical becomes one 0/1 column per choice and its
 *       importance is the main effect of that group of columns; a categorical with one choice
 *       has importance 0;</li>
 *   <li>at most {@value #MAX_TRIALS} of those trials: with more, a random sample of that many,
 *       drawn with the seed (the forest's cost grows faster than the trials; {@code trials} in the
 *       answer is the number fitted);</li>
 *   <li>64 bagged trees of depth up to 64; a param's importance is the mean, over the trees whose
 *       prediction varies, of its main effect's variance over the tree's total variance, and the
 *       importances are then scaled to sum to 1.</li>
 * </ul>
 * Deterministic for the seed (the experiment's). Stateless and thread-safe.
 */
public final class ParamImportances {
    /** The method's name in the answer. */
    public static final String METHOD = "fanova";
    static final int TREES = 64;
    static final int MAX_DEPTH = 64;
    /** fANOVA needs at least two distinct rows to split, as Optuna requires two complete trials. */
    public static final int MIN_TRIALS = 2;
    /** The most complete trials one answer fits; more are sampled down to this many. */
    public static final int MAX_TRIALS = 300;

    private ParamImportances() {
    }

    /** The index of an objective of the spec, or an INVALID_ARGUMENT naming the field and the range. */
    public static Objective objective(ExperimentSpec spec, int index) {
        int n = spec.objectives().size();
        if (index < 0 || index >= n) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "objective must be an objective's index from 0 to " + (n - 1)
                    + " (" + spec.objectives().stream().map(Objective::metric).toList() + "), got " + index);
        }
        return spec.objectives().get(index);
    }

    /** The importance of each param of the spec for objective {@code index}, from the experiment's trials. */
    public static ParamImportance of(String experiment, ExperimentSpec spec, long seed, int index, List<Trial> trials) {
        String metric = objective(spec, index).metric();
        List<Trial> used = new ArrayList<>();
        var skipped = new EnumMap<TrialState, Integer>(TrialState.class);
        for (Trial t : trials) {
            Double v = t.value(metric);
            if (t.state() == TrialState.COMPLETE && v != null && Double.isFinite(v)) {
                used.add(t);
            } else if (t.state().isFinished()) {
                skipped.merge(t.state(), 1, Integer::sum);
            }
        }
        used = sample(used, MAX_TRIALS, seed);
        var assessed = new ArrayList<String>();
        var notAssessed = new ArrayList<String>();
        for (String name : spec.space().names()) {
            (used.stream().allMatch(t -> t.params().containsKey(name)) ? assessed : notAssessed).add(name);
        }
        if (used.size() < MIN_TRIALS) {
            return new ParamImportance(experiment, index, metric, METHOD, used.size(), skipped, List.of(), notAssessed,
                    "importance needs at least " + MIN_TRIALS + " complete trials with a value of " + metric + "; there "
                            + (used.size() == 1 ? "is 1" : "are " + used.size()));
        }
        Encoding encoding = Encoding.of(spec, assessed);
        double[][] x = used.stream().map(t -> encoding.row(t.params())).toArray(double[][]::new);
        double[] y = used.stream().mapToDouble(t -> t.value(metric)).toArray();
        List<FanovaTree> forest = encoding.columns() == 0 ? List.of()
                : RegressionForest.fit(x, y, TREES, MAX_DEPTH, seed).stream().map(n -> new FanovaTree(n, encoding.bounds())).toList();
        if (forest.stream().allMatch(tree -> tree.variance() == 0)) {
            return new ParamImportance(experiment, index, metric, METHOD, used.size(), skipped, List.of(), notAssessed,
                    encoding.columns() == 0 ? "no param takes more than one value, so none explains " + metric
                            : metric + " does not vary with the params across the complete trials, so there is nothing to explain");
        }
        double[] importance = new double[assessed.size()];
        double total = 0;
        for (int p = 0; p < assessed.size(); p++) {
            importance[p] = encoding.group(p).length == 0 ? 0 : meanFraction(forest, encoding.group(p));
            total += importance[p];
        }
        var shares = new ArrayList<ParamImportance.Share>();
        for (int p = 0; p < assessed.size(); p++) {
            shares.add(new ParamImportance.Share(assessed.get(p), total > 0 ? importance[p] / total : 0));
        }
        shares.sort(Comparator.comparingDouble(ParamImportance.Share::importance).reversed());
        return new ParamImportance(experiment, index, metric, METHOD, used.size(), skipped, shares, notAssessed, null);
    }

    /** At most {@code max} of the trials, a seeded random sample when there are more, in trial-number order. */
    static List<Trial> sample(List<Trial> trials, int max, long seed) {
        var out = new ArrayList<>(trials);
        if (out.size() > max) {
            out.sort(Comparator.comparingInt(Trial::number));
            java.util.Collections.shuffle(out, new java.util.Random(seed));
            out = new ArrayList<>(out.subList(0, max));
        }
        out.sort(Comparator.comparingInt(Trial::number));
        return out;
    }

    /** The mean, over the trees whose prediction varies, of the group's main-effect variance over the tree's variance. */
    private static double meanFraction(List<FanovaTree> forest, int[] group) {
        double sum = 0;
        int n = 0;
        for (FanovaTree tree : forest) {
            if (tree.variance() > 0) {
                sum += tree.marginalVariance(group) / tree.variance();
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** How the assessed params become columns: a column per number, a 0/1 column per choice of a categorical. */
    private record Encoding(List<String> names, List<Param> params, List<int[]> groups, double[][] bounds) {
        static Encoding of(ExperimentSpec spec, List<String> names) {
            var params = new ArrayList<Param>();
            var groups = new ArrayList<int[]>();
            var bounds = new ArrayList<double[]>();
            for (String name : names) {
                Param p = spec.space().get(name);
                params.add(p);
                int first = bounds.size();
                switch (p) {
                    case FloatParam f -> bounds.add(new double[]{f.low(), f.high()});
                    case IntParam i -> bounds.add(new double[]{i.low(), i.high()});
                    case CategoricalParam c -> {
                        if (c.choices().size() > 1) {
                            c.choices().forEach(choice -> bounds.add(new double[]{0, 1}));
                        }
                    }
                }
                int[] group = new int[bounds.size() - first];
                for (int k = 0; k < group.length; k++) {
                    group[k] = first + k;
                }
                groups.add(group);
            }
            return new Encoding(List.copyOf(names), List.copyOf(params), List.copyOf(groups), bounds.toArray(double[][]::new));
        }

        int columns() {
            return bounds.length;
        }

        int[] group(int param) {
            return groups.get(param);
        }

        double[] row(Map<String, Object> values) {
            double[] row = new double[bounds.length];
            for (int p = 0; p < names.size(); p++) {
                int[] group = groups.get(p);
                Object v = values.get(names.get(p));
                switch (params.get(p)) {
                    case CategoricalParam c -> {
                        int choice = c.indexOf(v);
                        if (group.length > 0 && choice >= 0) {
                            row[group[0] + choice] = 1;
                        }
                    }
                    case FloatParam f -> row[group[0]] = ((Number) v).doubleValue();
                    case IntParam i -> row[group[0]] = ((Number) v).doubleValue();
                }
            }
            return row;
        }
    }
}
