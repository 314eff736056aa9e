package io.tunelab.experiments.multiobjective;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.StrategySpec;
import io.tunelab.experiments.quality.Args;
import io.tunelab.experiments.quality.QualityBenchmark;
import io.tunelab.experiments.quality.SdkDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The multi-objective benchmark: strategies ({@code nsga2}, {@code tpe}, {@code auto}) on ZDT1, ZDT2 and
 * DTLZ2 through the real server, each trial asked and told over the SDK; the hypervolume of the
 * values found after 200 and 500 trials, median [q25, q75] over the seeds, beside Optuna's
 * NSGA-II and multi-objective TPE scored by the same {@link Hypervolume} from the Pareto fronts
 * experiments/optuna/quality_shifted.py --multi wrote.
 *
 * <pre>
 *   MultiObjectiveBenchmark [--server URL | --own-server] [--seeds 20] [--seed-start 0]
 *                           [--strategies nsga2,tpe,auto] [--problems zdt1,zdt2,dtlz2]
 *                           [--optuna results/optuna/pareto_fronts.csv] [--out results/multiobjective]
 *                           [--from-csv results/multiobjective/multiobjective_runs.csv]  (run nothing: tables earlier runs)
 * </pre>
 */
public final class MultiObjectiveBenchmark {
    static final int[] CHECKPOINTS = {200, 500};

    private MultiObjectiveBenchmark() {
    }

    /** The hypervolume one run reached at each checkpoint. */
    record Run(String problem, String strategy, long seed, Map<Integer, Double> hypervolumeAt) {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        var a = Args.parse(args);
        List<String> strategies = a.list("strategies", List.of("nsga2", "tpe", "auto"));
        List<MultiObjectiveProblem> problems = a.list("problems", List.of("zdt1", "zdt2", "dtlz2")).stream()
                .map(MultiObjectiveProblem::named).toList();
        int seeds = a.integer("seeds", 20);
        int seedStart = a.integer("seed-start", 0);
        Path out = Path.of(a.string("out", "results/multiobjective"));
        Files.createDirectories(out);
        var runs = new ArrayList<Run>();
        if (a.values().containsKey("from-csv")) {
            // Runs nothing: the table of runs made before (this program's multiobjective_runs.csv).
            runs.addAll(readRuns(Path.of(a.string("from-csv", ""))));
        } else {
            runs.addAll(runAll(a, problems, strategies, seeds, seedStart));
        }
        String optunaFronts = a.string("optuna", null);
        if (optunaFronts != null) {
            runs.addAll(optunaRuns(Path.of(optunaFronts), problems));
        }
        var lines = new ArrayList<String>(List.of("problem,strategy,seed,hv_200,hv_500"));
        runs.forEach(r -> lines.add(String.join(",", r.problem(), r.strategy(), Long.toString(r.seed()),
                String.valueOf(r.hypervolumeAt().get(200)), String.valueOf(r.hypervolumeAt().get(500)))));
        Files.write(out.resolve("multiobjective_runs.csv"), lines);
        String table = table(runs, problems);
        Files.writeString(out.resolve("multiobjective_summary.md"), table);
        System.out.println(table);
    }

    private static List<Run> readRuns(Path file) throws IOException {
        var runs = new ArrayList<Run>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            var at = new LinkedHashMap<Integer, Double>();
            for (int k = 0; k < CHECKPOINTS.length; k++) {
                if (!c[3 + k].isEmpty() && !c[3 + k].equals("null")) {
                    at.put(CHECKPOINTS[k], Double.parseDouble(c[3 + k]));
                }
            }
            runs.add(new Run(c[0], c[1], Long.parseLong(c[2]), at));
        }
        return runs;
    }

    private static List<Run> runAll(Args a, List<MultiObjectiveProblem> problems, List<String> strategies, int seeds, int seedStart)
            throws IOException, InterruptedException {
        var runs = new ArrayList<Run>();
        try (SdkDriver driver = a.flag("own-server") ? SdkDriver.startOwnServer() : SdkDriver.connect(a.string("server", null))) {
            long started = System.nanoTime();
            for (MultiObjectiveProblem problem : problems) {
                for (String strategy : strategies) {
                    for (long seed = seedStart; seed < seedStart + seeds; seed++) {
                        runs.add(run(driver, problem, strategy, seed));
                    }
                    System.out.printf(Locale.ROOT, "[%6.1fs] %s %s: %d seeds done%n", (System.nanoTime() - started) / 1e9,
                            problem.name(), strategy, seeds);
                }
            }
        }
        return runs;
    }

    static Run run(SdkDriver driver, MultiObjectiveProblem problem, String strategy, long seed) {
        var objectives = new ArrayList<Objective>();
        for (int k = 1; k <= problem.objectives(); k++) {
            objectives.add(Objective.minimize("f" + k));
        }
        var named = Args.Named.parse(strategy);
        var spec = new ExperimentSpec("mo-" + problem.name() + "-" + named.name() + "-" + seed + "-" + System.nanoTime(), objectives,
                problem.space(), new StrategySpec(named.name(), seed, named.options()), null,
                Budget.trials(CHECKPOINTS[CHECKPOINTS.length - 1]), 1, null, seed);
        var experiment = driver.launch(spec);
        var found = new ArrayList<double[]>();
        var hypervolumeAt = new LinkedHashMap<Integer, Double>();
        for (int i = 1; i <= CHECKPOINTS[CHECKPOINTS.length - 1]; i++) {
            var trial = experiment.ask();
            double[] f = problem.values(trial.params());
            var values = new LinkedHashMap<String, Double>();
            for (int k = 0; k < f.length; k++) {
                values.put("f" + (k + 1), f[k]);
            }
            experiment.tell(trial.id(), values);
            found.add(f);
            for (int c : CHECKPOINTS) {
                if (c == i) {
                    hypervolumeAt.put(c, Hypervolume.of(found, problem.reference()));
                }
            }
        }
        return new Run(problem.name(), strategy, seed, hypervolumeAt);
    }

    /** Optuna's runs, from the Pareto fronts its script wrote (problem, sampler, seed, trials, f1, f2, f3). */
    static List<Run> optunaRuns(Path file, List<MultiObjectiveProblem> problems) throws IOException {
        var fronts = new LinkedHashMap<List<Object>, List<double[]>>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            var problem = MultiObjectiveProblem.named(c[0]);
            double[] f = new double[problem.objectives()];
            for (int k = 0; k < f.length; k++) {
                f[k] = Double.parseDouble(c[4 + k]);
            }
            fronts.computeIfAbsent(List.of(c[0], c[1], Long.parseLong(c[2]), Integer.parseInt(c[3])), k -> new ArrayList<>()).add(f);
        }
        var runs = new LinkedHashMap<List<Object>, Run>();
        fronts.forEach((key, front) -> {
            var problem = MultiObjectiveProblem.named((String) key.get(0));
            if (problems.stream().anyMatch(p -> p.name().equals(problem.name()))) {
                var id = List.of(key.get(0), key.get(1), key.get(2));
                runs.computeIfAbsent(id, k -> new Run((String) key.get(0), "optuna " + key.get(1), (Long) key.get(2), new LinkedHashMap<>()))
                        .hypervolumeAt().put((Integer) key.get(3), Hypervolume.of(front, problem.reference()));
            }
        });
        return List.copyOf(runs.values());
    }

    static String table(List<Run> runs, List<MultiObjectiveProblem> problems) {
        List<String> strategies = runs.stream().map(Run::strategy).distinct().toList();
        var sb = new StringBuilder("Hypervolume, median [q25, q75] over the seeds (n), higher is better; reference point per problem\n\n");
        sb.append("| problem | reference | trials | ").append(String.join(" | ", strategies)).append(" |\n");
        sb.append("|---|---|---:|").append("---:|".repeat(strategies.size())).append('\n');
        for (var p : problems) {
            for (int c : CHECKPOINTS) {
                sb.append("| ").append(p.name()).append(" | ").append(java.util.Arrays.toString(p.reference())).append(" | ").append(c).append(" |");
                for (String s : strategies) {
                    double[] hv = runs.stream().filter(r -> r.problem().equals(p.name()) && r.strategy().equals(s)
                            && r.hypervolumeAt().containsKey(c)).mapToDouble(r -> r.hypervolumeAt().get(c)).sorted().toArray();
                    sb.append(' ').append(hv.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.4g [%.4g, %.4g] (%d)",
                            QualityBenchmark.quantile(hv, 0.5), QualityBenchmark.quantile(hv, 0.25), QualityBenchmark.quantile(hv, 0.75), hv.length)).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
