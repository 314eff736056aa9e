package io.tunelab.server.analysis;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Json;
import io.tunelab.api.Param;
import io.tunelab.api.ParamImportance;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.testing.Csv;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the digits sweep's trials (analysis/importance: the experiment as the API showed it, its
 * trials as {@code tunelab export --format csv} wrote them, and Optuna 3.1's fANOVA importances of
 * them made by experiments/importance/optuna_importance.py), Tunelab's importances rank the params
 * as Optuna's do: Spearman's rank correlation with Optuna's mean over ten forest seeds is 0.8 or
 * more. A property of the committed data: the forest is seeded with the experiment's seed.
 */
class FanovaAgreesWithOptunaTest {
    private static final String DIR = "/analysis/importance/";

    @Test
    void theDigitsSweepsImportancesRankAsOptunasDo() throws IOException {
        Experiment experiment = Json.read(text("digits-mlp-experiment.json"), Experiment.class);
        List<Trial> trials = trials(experiment.spec(), text("digits-mlp-trials.csv"));
        @SuppressWarnings("unchecked")
        Map<String, Object> optuna = Json.read(text("digits-mlp-optuna.json"), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Number> reference = (Map<String, Number>) optuna.get("mean");

        ParamImportance ours = ParamImportances.of(experiment.name(), experiment.spec(), experiment.seed(), 0, trials);

        List<String> names = List.copyOf(reference.keySet());
        double[] a = names.stream().mapToDouble(n -> reference.get(n).doubleValue()).toArray();
        double[] b = names.stream().mapToDouble(n -> ours.params().stream().filter(s -> s.param().equals(n))
                .mapToDouble(ParamImportance.Share::importance).findFirst().orElse(0)).toArray();
        double rho = spearman(a, b);
        System.out.printf("importance on %d complete digits-mlp trials: Spearman with Optuna %s's fANOVA (mean of %s seeds) = %.3f%n",
                ours.trials(), optuna.get("optuna"), ((List<?>) optuna.get("seeds")).size(), rho);
        for (int i = 0; i < names.size(); i++) {
            System.out.printf("  %-24s tunelab %.3f  optuna %.3f%n", names.get(i), b[i], a[i]);
        }
        assertThat(ours.trials()).isEqualTo(((Number) optuna.get("trials")).intValue());
        assertThat(rho).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void spearmanRanksTiesByTheirMeanRank() {
        assertThat(spearman(new double[]{1, 2, 3}, new double[]{10, 20, 30})).isEqualTo(1.0);
        assertThat(spearman(new double[]{1, 2, 3}, new double[]{3, 2, 1})).isEqualTo(-1.0);
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).correlation = 0.9486832980505138
        assertThat(spearman(new double[]{1, 2, 2, 3}, new double[]{1, 3, 2, 4})).isCloseTo(0.9486832980505138, org.assertj.core.data.Offset.offset(1e-12));
    }

    /** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank (as scipy). */
    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(v[i], v[j]));
        double[] rank = new double[v.length];
        for (int start = 0; start < v.length; ) {
            int end = start;
            while (end + 1 < v.length && v[order[end + 1]] == v[order[start]]) {
                end++;
            }
            for (int k = start; k <= end; k++) {
                rank[order[k]] = (start + end) / 2.0 + 1;
            }
            start = end + 1;
        }
        return rank;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    // ------------------------------------------------------------------ the exported CSV

    /** The trials of an export: state, the spec's params (typed by the spec), and the objective's value. */
    static List<Trial> trials(ExperimentSpec spec, String csv) {
        List<List<String>> rows = Csv.parse(csv);
        List<String> header = rows.getFirst();
        String metric = spec.primary().metric();
        var out = new ArrayList<Trial>();
        for (List<String> row : rows.subList(1, rows.size())) {
            var params = new LinkedHashMap<String, Object>();
            for (String name : spec.space().names()) {
                String cell = row.get(header.indexOf("params_" + name));
                if (!cell.isEmpty()) {
                    params.put(name, typed(spec.space().get(name), cell));
                }
            }
            String value = row.get(header.indexOf("values_" + metric));
            int number = Integer.parseInt(row.get(header.indexOf("number")));
            out.add(new Trial(Long.parseLong(row.get(header.indexOf("id"))), 1, number, params,
                    TrialState.valueOf(row.get(header.indexOf("state"))), value.isEmpty() ? Map.of() : Map.of(metric, Double.parseDouble(value)),
                    null, null, null, null, null, null, null, null, null, null));
        }
        return out;
    }

    private static Object typed(Param param, String cell) {
        return switch (param) {
            case FloatParam f -> Double.parseDouble(cell);
            case IntParam i -> (int) Double.parseDouble(cell);
            case CategoricalParam c -> c.choices().stream().filter(choice -> String.valueOf(choice).equals(cell)
                    || (choice instanceof Number n && n.doubleValue() == Double.parseDouble(cell))).findFirst().orElseThrow();
        };
    }

    private static String text(String name) throws IOException {
        try (InputStream in = FanovaAgreesWithOptunaTest.class.getResourceAsStream(DIR + name)) {
            assertThat(in).as(DIR + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
