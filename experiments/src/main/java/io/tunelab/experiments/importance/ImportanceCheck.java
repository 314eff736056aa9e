package io.tunelab.experiments.importance;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.Json;
import io.tunelab.api.ParamImportance;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.quality.Args;
import io.tunelab.experiments.support.Medians;
import io.tunelab.experiments.support.Scratch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The importance check for the README: asks a server for an experiment's parameter importance
 * ({@code GET /api/experiments/{ref}/importance}), exports its trials as CSV, runs Optuna 3.1's
 * fANOVA on that CSV (experiments/importance/optuna_importance.py, ten forest seeds), and prints
 * both side by side with Spearman's rank correlation: with Optuna's mean over the seeds, with
 * each seed (min, median, max), and Optuna's seeds with each other (how much Optuna agrees with
 * itself). With {@code --save DIR} it also writes the three files the server's
 * {@code FanovaAgreesWithOptunaTest} reads.
 *
 * <pre>
 *   ImportanceCheck --server URL --experiment NAME [--token-file FILE] [--python /usr/bin/python3]
 *                   [--script experiments/importance/optuna_importance.py] [--save DIR]
 * </pre>
 * The token comes from {@code --token-file}, else {@code $TUNELAB_TOKEN}.
 */
public final class ImportanceCheck {
    private ImportanceCheck() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String server = args.string("server", "http://127.0.0.1:8080");
        String name = args.string("experiment", "digits-mlp");
        String tokenFile = args.string("token-file", null);
        String token = tokenFile != null ? Files.readString(Path.of(tokenFile)).strip() : System.getenv("TUNELAB_TOKEN");
        Path script = Path.of(args.string("script", "experiments/importance/optuna_importance.py"));
        Path work = Files.createTempDirectory("importance-check");
        try (TunelabClient client = TunelabClient.connect(server, token)) {
            Experiment experiment = client.describe(name);
            ParamImportance ours = client.importance(name, 0);
            Path spec = Files.writeString(work.resolve(fileName(name, "experiment.json")), Json.write(experiment));
            Path csv = work.resolve(fileName(name, "trials.csv"));
            try (OutputStream out = Files.newOutputStream(csv)) {
                client.exportTrials(name, ExportFormat.parse("csv"), out);
            }
            Path tunelab = Files.writeString(work.resolve("tunelab.json"), Json.write(ours));
            Process python = new ProcessBuilder(args.string("python", "/usr/bin/python3"), script.toString(),
                    spec.toString(), csv.toString(), tunelab.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String report = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (python.waitFor() != 0) {
                throw new IllegalStateException(script + " failed (exit " + python.exitValue() + "); is Optuna installed "
                        + "(apt-get install python3-optuna python3-sklearn)?");
            }
            print(experiment, ours, Json.read(report, Map.class));
            String save = args.string("save", null);
            if (save != null) {
                Path dir = Files.createDirectories(Path.of(save));
                Files.copy(spec, dir.resolve(spec.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(csv, dir.resolve(csv.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(dir.resolve(fileName(name, "optuna.json")), report);
                System.out.println("saved the experiment, its trials and Optuna's importances in " + dir);
            }
        } finally {
            Scratch.delete(work);
        }
    }

    private static String fileName(String experiment, String suffix) {
        return experiment.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + suffix;
    }

    @SuppressWarnings("unchecked")
    private static void print(Experiment experiment, ParamImportance ours, Map<String, Object> report) {
        if (ours.reason() != null) {
            System.out.println("Tunelab gives no importances for " + experiment.name() + ": " + ours.reason());
            return;
        }
        Map<String, Number> mean = (Map<String, Number>) report.get("mean");
        System.out.printf(Locale.ROOT, "Parameter importance of %s (%s) over %d complete trials (%s pruned, %s failed left out)%n",
                experiment.name(), ours.metric(), ours.trials(), ours.skipped().getOrDefault(io.tunelab.api.TrialState.PRUNED, 0),
                ours.skipped().getOrDefault(io.tunelab.api.TrialState.FAILED, 0));
        System.out.printf(Locale.ROOT, "%-26s %8s %8s%n", "param", "tunelab", "optuna");
        List<String> names = mean.keySet().stream().sorted(Comparator.comparingDouble((String n) -> -mean.get(n).doubleValue())).toList();
        for (String n : names) {
            double t = ours.params().stream().filter(s -> s.param().equals(n)).mapToDouble(ParamImportance.Share::importance).findFirst().orElse(0);
            System.out.printf(Locale.ROOT, "%-26s %8.3f %8.3f%n", n, t, mean.get(n).doubleValue());
        }
        List<Double> bySeed = ((Map<String, Number>) report.get("spearman_by_seed")).values().stream().map(Number::doubleValue).sorted().toList();
        List<Double> between = ((List<Number>) report.get("spearman_between_seeds")).stream().map(Number::doubleValue).sorted().toList();
        System.out.printf(Locale.ROOT, "Spearman, Tunelab vs Optuna %s (sklearn %s) mean of %d seeds: %.3f%n", report.get("optuna"),
                report.get("sklearn"), bySeed.size(), ((Number) report.get("spearman_mean")).doubleValue());
        System.out.printf(Locale.ROOT, "Spearman, Tunelab vs each Optuna seed: min %.3f, median %.3f, max %.3f%n",
                bySeed.getFirst(), Medians.of(bySeed), bySeed.getLast());
        System.out.printf(Locale.ROOT, "Spearman, Optuna seed vs Optuna seed (%d pairs): min %.3f, median %.3f, max %.3f%n",
                between.size(), between.getFirst(), Medians.of(between), between.getLast());
    }
}
