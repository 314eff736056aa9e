package io.tunelab.experiments.heldout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tunelab.api.Finalization;
import io.tunelab.api.Json;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Two ways to set up a sweep, compared by what a user gets: the held-out test score of each
 * sweep's refit winner. Every sweep holds out the same stratified 20% of the rows for a given
 * seed (the split is fixed by the experiment seed), searches with the same number of trials on
 * the rest, and is finalized: the winner is refit on every non-test row and scored once on the
 * test rows. The selection score (the best validation score, the one that chose the winner, so
 * optimistic) is printed beside it but never compared.
 *
 * <p>Comparisons ({@code --compare}):
 * <ul>
 *   <li>{@code digits-family}: {@code digits-mlp.yaml} (dense network, 3-fold CV) against
 *       {@code digits-cnn.yaml} (the convolutional family on 1×8×8 images, one 20% hold-out);</li>
 *   <li>{@code breast-cancer-features}: {@code breast-cancer-features.yaml} (searched feature
 *       selection, extraction and class-imbalance steps) against the same sweep with those steps
 *       left out of the space (the model's dropout still searched), reporting the inputs the
 *       winner's model kept;</li>
 *   <li>{@code digits-anchor}: {@code digits-mlp.yaml} against the anchor, Optuna 3.1's TPE tuning
 *       scikit-learn's MLP by 3-fold CV on the same search rows with the same number of trials,
 *       its best refit and scored on the same test rows ({@code experiments/anchor/digits_anchor.py}).</li>
 *   <li>{@code digits-pbt}: {@code digits-pbt.yaml} (population-based training, 16 trials of 3
 *       epochs: 48 epochs) against random search with ASHA (8 trials of up to 12 epochs, cut at 3
 *       and 6: about 48) and random search without a scheduler (4 trials of 12 epochs: 48), each
 *       setting its own trial count ({@code --trials} is ignored). The PBT winner is refit from
 *       scratch with its last params for its lineage's 12 epochs, so the test score measures the
 *       params PBT ends with, not its schedule.</li>
 *   <li>{@code digits-pbt-sgd}: the same three with plain SGD (no momentum) and the learning rate
 *       searched from 0.001 to 1, a task where the learning rate's schedule matters.</li>
 *   <li>{@code digits-learn-from}: {@code digits-mlp.yaml} (ASHA prunes most trials) searched by
 *       {@code tpe} learning from every trial (pruned ones by their last report) against {@code tpe}
 *       learning from complete trials only.</li>
 * </ul>
 * Usage: {@code HeldOutBenchmark --compare digits-family|digits-anchor|breast-cancer-features|digits-pbt|digits-pbt-sgd|digits-learn-from [--trials 20]
 * [--seeds 1,2,3] [--slots 2]}. It starts its own server and worker.
 */
public final class HeldOutBenchmark {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final double TEST_FRACTION = 0.2;
    static final String ANCHOR = "optuna tpe + sklearn mlp (3-fold CV)";

    private HeldOutBenchmark() {
    }

    /** One sweep set-up: a label, the spec file it starts from, and what it changes in it. */
    record Setup(String label, String specFile, UnaryOperator<Map<String, Object>> change) {
    }

    /** What one finalized sweep gave: the selection score, the refit winner's test score, its model's inputs. */
    record Outcome(String setup, long seed, double selection, double test, Object inputs, String params) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        String compare = flags.getOrDefault("compare", "digits-family");
        int trials = Integer.parseInt(flags.getOrDefault("trials", "20"));
        int slots = Integer.parseInt(flags.getOrDefault("slots", "2"));
        List<Long> seeds = new ArrayList<>();
        for (String s : flags.getOrDefault("seeds", "1,2,3").split(",")) {
            seeds.add(Long.parseLong(s.strip()));
        }
        List<Setup> setups = setups(compare);
        Path work = Scratch.directory("tunelab-heldout");
        List<Outcome> outcomes = new ArrayList<>();
        try (var server = TunelabProcesses.startServer(work.resolve("data"));
             var worker = TunelabProcesses.startWorker(server, slots, work.resolve("worker.log"));
             TunelabClient client = server.client()) {
            for (long seed : seeds) {
                for (Setup setup : setups) {
                    outcomes.add(setup.specFile() == null ? anchor(setup, seed, trials) : run(client, setup, seed, trials));
                    Outcome o = outcomes.getLast();
                    System.out.printf(Locale.ROOT, "%-28s seed %3d  selection %.4f  test %.4f  inputs %s  %s%n",
                            o.setup(), o.seed(), o.selection(), o.test(), o.inputs(), o.params());
                }
            }
        }
        print(compare, trials, seeds, setups, outcomes);
    }

    static List<Setup> setups(String compare) {
        return switch (compare) {
            case "digits-family" -> List.of(
                    new Setup("mlp (3-fold CV)", "digits-mlp.yaml", spec -> spec),
                    new Setup("cnn (20% hold-out)", "digits-cnn.yaml", spec -> spec));
            case "digits-anchor" -> List.of(
                    new Setup("tunelab mlp (3-fold CV)", "digits-mlp.yaml", spec -> spec),
                    new Setup(ANCHOR, null, spec -> spec));
            case "breast-cancer-features" -> List.of(
                    new Setup("searched feature steps", "breast-cancer-features.yaml", spec -> spec),
                    new Setup("no feature steps", "breast-cancer-features.yaml", HeldOutBenchmark::withoutFeatureSteps));
            case "digits-pbt" -> List.of(
                    new Setup("pbt (16 x 3 epochs)", "digits-pbt.yaml", spec -> withTrials(spec, 16)),
                    new Setup("random + asha (8 x 3-12 epochs)", "digits-pbt.yaml", spec -> random(spec, 8,
                            Map.of("name", "asha", "options", Map.of("min_resource", 3, "reduction_factor", 2)))),
                    new Setup("random (4 x 12 epochs)", "digits-pbt.yaml", spec -> random(spec, 4, null)));
            case "digits-pbt-sgd" -> List.of(
                    new Setup("pbt sgd (16 x 3 epochs)", "digits-pbt.yaml", spec -> withTrials(plainSgd(spec), 16)),
                    new Setup("random + asha sgd (8 x 3-12 epochs)", "digits-pbt.yaml", spec -> random(plainSgd(spec), 8,
                            Map.of("name", "asha", "options", Map.of("min_resource", 3, "reduction_factor", 2)))),
                    new Setup("random sgd (4 x 12 epochs)", "digits-pbt.yaml", spec -> random(plainSgd(spec), 4, null)));
            case "digits-learn-from" -> List.of(
                    new Setup("tpe learning from every trial (asha)", "digits-mlp.yaml", spec -> tpe(spec, "all")),
                    new Setup("tpe learning from complete trials only (asha)", "digits-mlp.yaml", spec -> tpe(spec, "complete")));
            default -> throw new IllegalArgumentException("--compare is digits-family, digits-anchor, breast-cancer-features, "
                    + "digits-pbt, digits-pbt-sgd or digits-learn-from, not " + compare);
        };
    }

    /**
     * The anchor's run for a seed: {@code experiments/anchor/digits_anchor.py} (Optuna 3.1's TPE
     * tuning scikit-learn's MLPClassifier by 3-fold CV, as ../shared/bench/mlp_digits.py does) on
     * the rows outside the test split Tunelab's worker holds out for that seed (the script
     * reimplements it; a worker test pins the two together), refit and scored once on the test rows.
     */
    private static Outcome anchor(Setup setup, long seed, int trials) throws IOException, InterruptedException {
        Path home = TunelabProcesses.home();
        Process p = new ProcessBuilder("/usr/bin/python3", home.resolve("experiments/anchor/digits_anchor.py").toString(),
                "--csv", home.resolve("worker/src/main/resources/datasets/digits.csv").toString(),
                "--seed", Long.toString(seed), "--trials", Integer.toString(trials), "--test", Double.toString(TEST_FRACTION))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException("the anchor script failed for seed " + seed + " (it needs python3-optuna and python3-sklearn)");
        }
        Map<?, ?> result = Json.read(out.lines().reduce((a, b) -> b).orElseThrow(), Map.class);
        return new Outcome(setup.label(), seed, ((Number) result.get("selection")).doubleValue(),
                ((Number) result.get("test")).doubleValue(), 64, String.valueOf(result.get("best")));
    }

    /** The same sweep with the feature selection, extraction and imbalance steps out of its space. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutFeatureSteps(Map<String, Object> spec) {
        var space = new LinkedHashMap<>((Map<String, Object>) spec.get("space"));
        space.keySet().removeIf(name -> name.startsWith("preprocessing.") || name.equals("training.class_weights")
                || name.equals("training.oversampling"));
        var out = new LinkedHashMap<>(spec);
        out.put("space", space);
        return out;
    }

    /** The PBT sweep as random search of {@code trials} trials of 12 epochs, with a pruner or none. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> random(Map<String, Object> spec, int trials, Map<String, Object> pruner) {
        var out = new LinkedHashMap<>(spec);
        out.put("strategy", Map.of("name", "random"));
        if (pruner != null) {
            out.put("pruner", pruner);
        }
        var task = new LinkedHashMap<>((Map<String, Object>) spec.get("task"));
        var training = new LinkedHashMap<>((Map<String, Object>) task.get("training"));
        training.put("epochs", 12);
        task.put("training", training);
        out.put("task", task);
        return withTrials(out, trials);
    }

    /**
     * The PBT sweep made sensitive to its learning rate: plain SGD (no momentum, no adaptive
     * steps) searched over three decades, from too slow to diverging, where Adam's steps would
     * hide most of the difference.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> plainSgd(Map<String, Object> spec) {
        var out = new LinkedHashMap<>(spec);
        var task = new LinkedHashMap<>((Map<String, Object>) spec.get("task"));
        var training = new LinkedHashMap<>((Map<String, Object>) task.get("training"));
        training.put("optimizer", "sgd");
        task.put("training", training);
        out.put("task", task);
        var space = new LinkedHashMap<>((Map<String, Object>) spec.get("space"));
        space.put("training.learning_rate", Map.of("type", "float", "low", 1.0e-3, "high", 1.0, "log", true));
        out.put("space", space);
        return out;
    }

    @SuppressWarnings("unchecked")
    /** The spec searched by {@code tpe} learning from {@code learnFrom} ({@code all} or {@code complete}) trials. */
    static Map<String, Object> tpe(Map<String, Object> spec, String learnFrom) {
        var out = new LinkedHashMap<>(spec);
        out.put("strategy", Map.of("name", "tpe", "options", Map.of("learn_from", learnFrom)));
        return out;
    }

    static Map<String, Object> withTrials(Map<String, Object> spec, int trials) {
        var out = new LinkedHashMap<>(spec);
        var budget = new LinkedHashMap<>((Map<String, Object>) spec.get("budget"));
        budget.put("trials", trials);
        out.put("budget", budget);
        return out;
    }

    /** The spec file with this seed, budget (unless the set-up sets its own) and a 20% test split, named for the set-up and seed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(Setup setup, long seed, int trials) throws IOException {
        Map<String, Object> spec = YAML.readValue(TunelabProcesses.home().resolve("experiments/sweeps").resolve(setup.specFile()).toFile(), Map.class);
        spec = new LinkedHashMap<>(spec);
        spec.put("name", setup.label().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "") + "-seed-" + seed);
        spec.put("seed", seed);
        var budget = new LinkedHashMap<>((Map<String, Object>) spec.getOrDefault("budget", Map.of()));
        budget.put("trials", trials);
        spec.put("budget", budget);
        // After the budget: a set-up may set its own number of trials.
        spec = setup.change().apply(spec);
        var task = new LinkedHashMap<>((Map<String, Object>) spec.get("task"));
        var dataset = new LinkedHashMap<>((Map<String, Object>) task.get("dataset"));
        dataset.put("test", TEST_FRACTION);
        task.put("dataset", dataset);
        spec.put("task", task);
        return spec;
    }

    private static Outcome run(TunelabClient client, Setup setup, long seed, int trials) throws Exception {
        Map<String, Object> spec = spec(setup, seed, trials);
        var experiment = client.launch(Json.write(spec));
        experiment.awaitCompletion(Duration.ofHours(2));
        // Asking answers the finalization the completion already requested (and asks for it if not yet there).
        Finalization f = client.finalizeWinner(experiment.name());
        for (long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
             !f.state().isFinished() && System.nanoTime() < deadline; f = client.finalization(experiment.name())) {
            Thread.sleep(1_000);
        }
        if (f.state() != TrialState.COMPLETE) {
            throw new IllegalStateException(experiment.name() + ": the finalization ended " + f.state() + ": " + f.error());
        }
        String metric = (String) ((Map<?, ?>) spec.get("objective")).get("metric");
        Trial winner = client.trial(f.trialId());
        Object inputs = modelInputs(winner.provenance() == null ? null : winner.provenance().get("preprocessing"));
        return new Outcome(setup.label(), seed, f.selection().mean(), f.test().get(metric), inputs, winner.params().toString());
    }

    /** The model inputs after the feature steps: one figure, or one per fold ("12/13/12") when the folds kept different ones. */
    static String modelInputs(Object preprocessing) {
        List<?> folds = preprocessing instanceof List<?> list ? list : preprocessing == null ? List.of() : List.of(preprocessing);
        var outputs = folds.stream().filter(f -> f instanceof Map<?, ?>).map(f -> String.valueOf(((Map<?, ?>) f).get("outputs")))
                .distinct().toList();
        return outputs.isEmpty() ? "?" : String.join("/", outputs);
    }

    private static void print(String compare, int trials, List<Long> seeds, List<Setup> setups, List<Outcome> outcomes) {
        System.out.printf(Locale.ROOT, "%n%s: %d trials per sweep unless the set-up names its own, seeds %s, 20%% test split fixed by the seed; "
                + "test = the refit winner scored once on the test rows%n", compare, trials, seeds);
        System.out.println("| set-up | selection score (optimistic) | test score, mean | test score per seed | winner's model inputs |");
        System.out.println("|---|---|---|---|---|");
        for (Setup s : setups) {
            List<Outcome> mine = outcomes.stream().filter(o -> o.setup().equals(s.label())).toList();
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %s | %s |%n", s.label(),
                    mine.stream().mapToDouble(Outcome::selection).average().orElse(Double.NaN),
                    mine.stream().mapToDouble(Outcome::test).average().orElse(Double.NaN),
                    String.join(", ", mine.stream().map(o -> String.format(Locale.ROOT, "%.4f", o.test())).toList()),
                    String.join(", ", mine.stream().map(o -> String.valueOf(o.inputs())).toList()));
        }
        if (setups.size() == 2) {
            int wins = 0;
            double sum = 0;
            for (long seed : seeds) {
                double a = testOf(outcomes, setups.get(0), seed);
                double b = testOf(outcomes, setups.get(1), seed);
                sum += a - b;
                wins += a > b ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "%s minus %s on the same test rows: mean %+.4f; better on %d of %d seeds%n",
                    setups.get(0).label(), setups.get(1).label(), sum / seeds.size(), wins, seeds.size());
        }
    }

    private static double testOf(List<Outcome> outcomes, Setup setup, long seed) {
        return outcomes.stream().filter(o -> o.setup().equals(setup.label()) && o.seed() == seed)
                .mapToDouble(Outcome::test).findFirst().orElse(Double.NaN);
    }

    private static Map<String, String> flags(String[] args) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("flags come as --name value; got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
