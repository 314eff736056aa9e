package io.tunelab.experiments.quality;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.StrategySpec;

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
 * The search-quality benchmark: every strategy on every problem of shared/bench/quality.py,
 * for N seeds, to 100 trials (300 for the 10-D functions). Prints, per problem, budget and
 * strategy, the median and interquartile range of the final simple regret (best value found −
 * known minimum) and the median ask latency, and writes every run to a CSV.
 *
 * <pre>
 *   QualityBenchmark [--server URL | --own-server] [--seeds 20] [--seed-start 0]
 *                    [--strategies auto,random,sobol,tpe,cmaes,genetic] [--problems branin,...]
 *                    (a strategy may carry options: cmaes:population=20:sigma0=0.3)
 *                    [--out results/quality]
 * </pre>
 * The trials go through the SDK to a real server, as users' do: the running server at
 * {@code --server URL}, or with {@code --own-server} one the benchmark starts from the built
 * server jar on a free port and a temporary data folder, and stops when it is done.
 */
public final class QualityBenchmark {
    static final List<String> STRATEGIES = List.of("auto", "random", "sobol", "tpe", "cmaes", "genetic");
    static final int[] CHECKPOINTS = {100, 300};

    private QualityBenchmark() {
    }

    /** One run: a strategy on a problem with a seed; best value at each checkpoint and ask latencies. */
    record Run(String problem, String strategy, long seed, Map<Integer, Double> regretAt, double[] askMillis) {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        var a = Args.parse(args);
        List<String> strategies = a.list("strategies", STRATEGIES);
        List<Problem> problems = a.list("problems", Problem.all().stream().map(Problem::name).toList())
                .stream().map(Problem::named).toList();
        int seeds = a.integer("seeds", 20);
        int seedStart = a.integer("seed-start", 0);
        Path out = Path.of(a.string("out", "results/quality"));
        Files.createDirectories(out);
        var runs = new ArrayList<Run>();
        var serverMillis = new LinkedHashMap<String, Double>();
        if (a.flag("in-process")) {
            throw new IllegalArgumentException("--in-process is gone: the strategies live in the server, which the benchmarks "
                    + "reach only over HTTP; use --own-server to let the benchmark start a server of its own");
        }
        String mode;
        try (SdkDriver driver = a.flag("own-server") ? SdkDriver.startOwnServer() : SdkDriver.connect(a.string("server", null))) {
            mode = a.flag("own-server") ? "own server via the SDK (started by the benchmark)" : "real server via the SDK";
            System.out.println("mode: " + mode);
            long started = System.nanoTime();
            for (Problem problem : problems) {
                for (String strategy : strategies) {
                    double[] before = driver.proposeTotals();
                    for (long seed = seedStart; seed < seedStart + seeds; seed++) {
                        runs.add(run(driver, problem, strategy, seed));
                    }
                    double[] after = driver.proposeTotals();
                    if (after[0] > before[0]) {
                        serverMillis.put(problem.name() + "/" + strategy, 1000 * (after[1] - before[1]) / (after[0] - before[0]));
                    }
                    System.out.printf(Locale.ROOT, "[%6.1fs] %s %s: %d seeds done%n",
                            (System.nanoTime() - started) / 1e9, problem.name(), strategy, seeds);
                }
            }
        }
        writeCsv(out.resolve("quality_runs.csv"), runs);
        String table = table(runs, serverMillis, problems, strategies, seeds, mode);
        Files.writeString(out.resolve("quality_summary.md"), table);
        System.out.println(table);
    }

    static Run run(SdkDriver driver, Problem problem, String strategy, long seed) {
        var named = Args.Named.parse(strategy);
        var spec = new ExperimentSpec("quality-" + problem.name() + "-" + named.name() + "-" + seed + "-" + System.nanoTime(),
                List.of(Objective.minimize("value")), problem.space(), new StrategySpec(named.name(), seed, named.options()),
                null, Budget.trials(problem.budget()), 1, null, seed);
        var experiment = driver.launch(spec);
        double best = Double.POSITIVE_INFINITY;
        var regretAt = new LinkedHashMap<Integer, Double>();
        double[] askMillis = new double[problem.budget()];
        for (int i = 1; i <= problem.budget(); i++) {
            long t0 = System.nanoTime();
            var trial = experiment.ask();
            askMillis[i - 1] = (System.nanoTime() - t0) / 1e6;
            double value = problem.function().applyAsDouble(trial.params());
            experiment.tell(trial.id(), Map.of("value", value));
            best = Math.min(best, value);
            for (int c : CHECKPOINTS) {
                if (i == c) {
                    regretAt.put(c, problem.regret(best));
                }
            }
        }
        return new Run(problem.name(), strategy, seed, regretAt, askMillis);
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static String table(List<Run> runs, Map<String, Double> serverMillis, List<Problem> problems, List<String> strategies,
                        int seeds, String mode) {
        var sb = new StringBuilder();
        sb.append("Median simple regret [q25, q75] over ").append(seeds).append(" seeds; ").append(mode).append("\n\n");
        sb.append("| problem | trials | ").append(String.join(" | ", strategies)).append(" |\n");
        sb.append("|---|---:|").append("---:|".repeat(strategies.size())).append("\n");
        for (Problem p : problems) {
            for (int c : CHECKPOINTS) {
                if (c > p.budget()) {
                    continue;
                }
                sb.append("| ").append(p.name()).append(" | ").append(c).append(" |");
                for (String s : strategies) {
                    double[] r = runs.stream().filter(x -> x.problem().equals(p.name()) && x.strategy().equals(s))
                            .mapToDouble(x -> x.regretAt().get(c)).sorted().toArray();
                    sb.append(' ').append(r.length == 0 ? "n/a" : String.format(Locale.ROOT, "%s [%s, %s]",
                            g(quantile(r, 0.5)), g(quantile(r, 0.25)), g(quantile(r, 0.75)))).append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\nAsk latency in ms: median [p95] of the client-side round trip over all asks of all runs");
        sb.append(serverMillis.isEmpty() ? "" : "; then the server's mean propose time (its tunelab.strategy.propose timer)");
        sb.append("\n\n");
        sb.append("| problem | ").append(String.join(" | ", strategies)).append(" |\n");
        sb.append("|---|").append("---:|".repeat(strategies.size())).append("\n");
        for (Problem p : problems) {
            sb.append("| ").append(p.name()).append(" |");
            for (String s : strategies) {
                double[] ms = runs.stream().filter(x -> x.problem().equals(p.name()) && x.strategy().equals(s))
                        .flatMapToDouble(x -> Arrays.stream(x.askMillis())).sorted().toArray();
                Double server = serverMillis.get(p.name() + "/" + s);
                sb.append(' ').append(ms.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f [%.2f]",
                        quantile(ms, 0.5), quantile(ms, 0.95)))
                        .append(server == null ? "" : String.format(Locale.ROOT, "; %.2f", server)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static void writeCsv(Path file, List<Run> runs) throws IOException {
        var lines = new ArrayList<String>();
        lines.add("problem,strategy,seed,regret_100,regret_300,ask_ms_median");
        for (Run r : runs) {
            double[] ms = r.askMillis().clone();
            Arrays.sort(ms);
            lines.add(String.join(",", r.problem(), r.strategy(), Long.toString(r.seed()),
                    String.valueOf(r.regretAt().get(100)), r.regretAt().containsKey(300) ? String.valueOf(r.regretAt().get(300)) : "",
                    String.format(Locale.ROOT, "%.3f", quantile(ms, 0.5))));
        }
        Files.write(file, lines);
    }
}
