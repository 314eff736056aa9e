package io.tunelab.experiments.quality;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Search under constraints ({@link ConstrainedProblem}): each strategy, called directly as
 * {@link DirectRuns} does (the server's classes on the classpath), minimises a problem's value
 * while its constraint metrics must stay at most 0, declared as an experiment declares them.
 * Prints, per problem and checkpoint, the median regret of the best feasible trial so far
 * (its value minus the best feasible value; "none" where fewer than half the seeds found a
 * feasible trial) with its quartiles, and how many of the trials were feasible. The values are
 * exact (no noise): observed and noiseless are the same. {@code --optuna file} puts the runs of
 * experiments/optuna/quality_constrained.py beside them (Optuna's samplers with
 * {@code constraints_func}, same problems and seeds). {@code --batch N} asks N trials before
 * telling any of them, as N workers do.
 *
 * <pre>
 * ConstrainedBenchmark [--strategies auto,tpe,cmaes,genetic] [--problems sum3,…] [--seed-start 0] [--seeds 20]
 *                      [--batch 1] [--optuna results/constrained/optuna.csv] [--out results/constrained]
 * </pre>
 */
public final class ConstrainedBenchmark {
    static final int[] CHECKPOINTS = {50, 100};

    private ConstrainedBenchmark() {
    }

    /** One run: regret of the best feasible trial at each checkpoint (infinite if none yet), and feasible trials of all. */
    record Run(String problem, String strategy, long seed, Map<Integer, Double> regretAt, int feasible) {
    }

    public static void main(String[] args) throws IOException {
        var a = Args.parse(args);
        List<String> strategies = a.list("strategies", List.of("auto", "tpe", "cmaes", "genetic"));
        List<ConstrainedProblem> problems = a.list("problems", ConstrainedProblem.all().stream().map(ConstrainedProblem::name).toList())
                .stream().map(ConstrainedProblem::named).toList();
        int first = a.integer("seed-start", 0);
        int seeds = a.integer("seeds", 20);
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds takes 1 or more, got " + seeds);
        }
        // Parallel workers: a batch of asks before any of their tells, so a strategy proposes with trials still running.
        int batch = a.integer("batch", 1);
        if (batch < 1 || batch > 100) {
            throw new IllegalArgumentException("--batch takes 1 to 100 asks before their tells, got " + batch);
        }
        var direct = DirectRuns.load();
        var runs = new ArrayList<Run>();
        long started = System.nanoTime();
        for (var problem : problems) {
            for (String strategy : strategies) {
                double[] before = direct.proposeTotals();
                for (long seed = first; seed < first + seeds; seed++) {
                    runs.add(run(direct, problem, strategy, seed, batch));
                }
                double[] after = direct.proposeTotals();
                System.out.printf(Locale.ROOT, "[%6.1fs] %s %s done; %.2f ms per proposal in the strategy%n", (System.nanoTime() - started) / 1e9,
                        problem.name(), strategy, 1000 * (after[1] - before[1]) / Math.max(1, after[0] - before[0]));
            }
        }
        List<Run> optuna = a.values().containsKey("optuna") ? read(Path.of(a.string("optuna", ""))) : List.of();
        Path out = Path.of(a.string("out", "results/constrained"));
        Files.createDirectories(out);
        String table = (batch > 1 ? "Tunelab's strategies in batches of " + batch + " asks before their tells (Optuna's runs, if any, one at a time).\n\n" : "")
                + table(runs, optuna, problems, strategies, first, seeds);
        Files.writeString(out.resolve("constrained_summary.md"), table);
        System.out.println(table);
    }

    /** One run; with {@code batch} above 1, that many asks come before their tells, as that many workers do. */
    static Run run(DirectRuns direct, ConstrainedProblem problem, String strategy, long seed, int batch) {
        var named = Args.Named.parse(strategy);
        int budget = CHECKPOINTS[CHECKPOINTS.length - 1];
        var spec = new ExperimentSpec("constrained-" + problem.name() + "-" + named.name() + "-" + seed, List.of(Objective.minimize("value")),
                problem.space(), new StrategySpec(named.name(), seed, named.options()), null, new Budget(budget, null, null), 1, null, seed,
                null, null, problem.declared(), null);
        var experiment = direct.launch(spec);
        double best = Double.POSITIVE_INFINITY;
        int feasible = 0;
        var regretAt = new LinkedHashMap<Integer, Double>();
        int told = 0;
        while (told < budget) {
            var asked = new ArrayList<TrialProposal>();
            for (int k = 0; k < batch && told + asked.size() < budget; k++) {
                asked.add(experiment.ask());
            }
            for (TrialProposal trial : asked) {
                Map<String, Double> values = problem.values(trial.params());
                experiment.tell(trial.id(), values);
                told++;
                if (ConstrainedProblem.feasible(values)) {
                    feasible++;
                    best = Math.min(best, values.get("value"));
                }
                for (int c : CHECKPOINTS) {
                    if (told == c) {
                        regretAt.put(c, best - problem.optimum());
                    }
                }
            }
        }
        return new Run(problem.name(), strategy, seed, regretAt, feasible);
    }

    static String table(List<Run> runs, List<Run> optuna, List<ConstrainedProblem> problems, List<String> strategies, int first, int seeds) {
        List<String> samplers = optuna.stream().map(Run::strategy).distinct().toList();
        var columns = new ArrayList<String>(strategies);
        samplers.forEach(s -> columns.add("optuna " + s));
        var all = new ArrayList<>(runs);
        optuna.forEach(r -> all.add(new Run(r.problem(), "optuna " + r.strategy(), r.seed(), r.regretAt(), r.feasible())));
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Median regret of the best feasible trial [q25, q75], seeds %d–%d; "
                + "feasible trials of %d (median) in the last rows%n%n", first, first + seeds - 1, CHECKPOINTS[CHECKPOINTS.length - 1]));
        sb.append("| problem | trials | ").append(String.join(" | ", columns)).append(" |\n");
        sb.append("|---|---:|").append("---:|".repeat(columns.size())).append('\n');
        for (var p : problems) {
            for (int c : CHECKPOINTS) {
                sb.append("| ").append(p.name()).append(" | ").append(c).append(" |");
                for (String s : columns) {
                    double[] r = all.stream().filter(x -> x.problem().equals(p.name()) && x.strategy().equals(s)
                            && x.seed() >= first && x.seed() < first + seeds).mapToDouble(x -> x.regretAt().get(c)).sorted().toArray();
                    sb.append(' ').append(r.length == 0 ? "n/a" : String.format(Locale.ROOT, "%s [%s, %s]",
                            g(QualityBenchmark.quantile(r, 0.5)), g(QualityBenchmark.quantile(r, 0.25)), g(QualityBenchmark.quantile(r, 0.75))))
                            .append(r.length == 0 || r.length == seeds ? "" : " (" + r.length + " seeds)").append(" |");
                }
                sb.append('\n');
            }
            sb.append("| ").append(p.name()).append(" | feasible |");
            for (String s : columns) {
                double[] f = all.stream().filter(x -> x.problem().equals(p.name()) && x.strategy().equals(s)
                        && x.seed() >= first && x.seed() < first + seeds).mapToDouble(Run::feasible).sorted().toArray();
                sb.append(' ').append(f.length == 0 ? "n/a" : g(QualityBenchmark.quantile(f, 0.5))).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The runs experiments/optuna/quality_constrained.py wrote: problem, sampler, seed, regret_50, regret_100, feasible. */
    static List<Run> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = Arrays.asList(lines.getFirst().split(","));
        var expected = List.of("problem", "sampler", "seed", "regret_50", "regret_100", "feasible");
        if (!header.equals(expected)) {
            throw new IllegalArgumentException(file + " has columns " + header + "; expected " + expected
                    + " as experiments/optuna/quality_constrained.py writes them");
        }
        var runs = new ArrayList<Run>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            runs.add(new Run(c[0], c[1], Long.parseLong(c[2]), Map.of(50, number(c[3]), 100, number(c[4])), Integer.parseInt(c[5])));
        }
        return runs;
    }

    private static double number(String cell) {
        return cell.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(cell);
    }

    private static String g(double v) {
        return Double.isInfinite(v) ? "none" : String.format(Locale.ROOT, "%.3g", v);
    }
}
