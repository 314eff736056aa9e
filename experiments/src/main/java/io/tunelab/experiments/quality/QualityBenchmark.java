package io.tunelab.experiments.quality;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The search-quality benchmark: every strategy on every problem of shared/bench/quality.py,
 * for N seeds, to 100 trials (300 for the 10-D functions). Prints, per problem, budget and
 * strategy, the median and interquartile range of the final simple regret (best value found −
 * known minimum) and the median ask latency, and writes every run to a CSV.
 *
 * <pre>
 *   QualityBenchmark [--server URL | --own-server | --direct] [--seeds 20] [--sets tuning,reported]
 *                    [--tuning-seed-start 0] [--tuning-seeds N (default --seeds)] [--seed-start 100]
 *                    [--strategies auto,random,sobol,tpe,cmaes,genetic] [--problems branin,...]
 *                    (a strategy may carry options: cmaes:population=20:sigma0=0.3)
 *                    [--optuna results/optuna/quality_runs.csv,...] [--out results/quality]
 *                    [--from-csv results/a/quality_runs.csv,...]  (run nothing: tables of earlier runs)
 *                    [--batch 1]  (asks before the tells: N workers that each ask, then all tell)
 * </pre>
 * Two seed sets: settings are chosen on the tuning seeds (0–19), and the figures reported are
 * those of seeds never looked at while choosing (100–119); both are printed. The problems come
 * in three tables: open (the nine rows of shared/bench), shifted (the open functions whose
 * optimum is at the centre of the box, moved per seed) and held out (shapes no setting was
 * chosen on). {@code --optuna} reads the runs experiments/optuna/quality_shifted.py (or
 * shared/bench/quality.py) wrote and prints Optuna's medians on the same seeds beside them.
 * The trials go through the SDK to a real server, as users' do: the running server at
 * {@code --server URL}, or with {@code --own-server} one the benchmark starts from the built
 * server jar on a free port and a temporary data folder, and stops when it is done. With
 * {@code --direct} the server's strategies are called in this JVM, with no HTTP and no storage
 * ({@link DirectRuns}; the server's classes must be on the classpath): the same trials, seed by
 * seed, fast enough to choose settings over twenty seeds.
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
        // Settings are chosen on the tuning seeds; the reported seeds were never looked at while choosing.
        var sets = new ArrayList<SeedSet>();
        for (String set : a.list("sets", List.of("tuning", "reported"))) {
            sets.add(switch (set) {
                case "tuning" -> new SeedSet("tuning", a.integer("tuning-seed-start", 0), a.integer("tuning-seeds", seeds));
                case "reported" -> new SeedSet("reported", a.integer("seed-start", 100), seeds);
                default -> throw new IllegalArgumentException("--sets takes tuning and/or reported, got " + set);
            });
        }
        Path out = Path.of(a.string("out", "results/quality"));
        Files.createDirectories(out);
        var optuna = RunFiles.read(a.list("optuna", List.of()).stream().map(Path::of).toList());
        var runs = new ArrayList<Run>();
        var serverMillis = new LinkedHashMap<String, Double>();
        if (a.values().containsKey("from-csv")) {
            // Runs nothing: the tables of runs made before, by one or several invocations.
            runs.addAll(RunFiles.read(a.list("from-csv", List.of()).stream().map(Path::of).toList()));
            List<String> made = a.list("strategies", runs.stream().map(Run::strategy).distinct().toList());
            Files.writeString(out.resolve("quality_summary.md"), tables(runs, optuna, sets, problems, made, "from " + a.string("from-csv", "")));
            System.out.println(Files.readString(out.resolve("quality_summary.md")));
            return;
        }
        if (a.flag("in-process")) {
            throw new IllegalArgumentException("--in-process is gone: the strategies live in the server, which the benchmarks "
                    + "reach only over HTTP; use --own-server to let the benchmark start a server of its own");
        }
        // Parallel workers: a batch of asks before any of their tells, so a strategy proposes with trials still running.
        int batch = a.integer("batch", 1);
        if (batch < 1 || batch > 100) {
            throw new IllegalArgumentException("--batch takes 1 to 100 asks before their tells, got " + batch);
        }
        String mode;
        if (a.flag("direct")) {
            var direct = DirectRuns.load();
            mode = "strategies called directly (no server)";
            System.out.println("mode: " + mode + "; seed sets: " + sets);
            runAll(direct::launch, direct::proposeTotals, problems, strategies, sets, batch, runs, serverMillis);
        } else {
            try (SdkDriver driver = a.flag("own-server") ? SdkDriver.startOwnServer() : SdkDriver.connect(a.string("server", null))) {
                mode = a.flag("own-server") ? "own server via the SDK (started by the benchmark)" : "real server via the SDK";
                System.out.println("mode: " + mode + "; seed sets: " + sets);
                runAll(spec -> viaSdk(driver.launch(spec)), driver::proposeTotals, problems, strategies, sets, batch, runs, serverMillis);
            }
        }
        writeCsv(out.resolve("quality_runs.csv"), runs);
        String tables = tables(runs, optuna, sets, problems, strategies, mode) + latencyTable(runs, serverMillis, problems, strategies);
        Files.writeString(out.resolve("quality_summary.md"), tables);
        System.out.println(tables);
    }

    /** What a run needs of an experiment: the next trial, and where its value goes. */
    interface AskTell {
        TrialProposal ask();

        void tell(long trialId, Map<String, Double> values);
    }

    private static AskTell viaSdk(ExperimentHandle handle) {
        return new AskTell() {
            @Override
            public TrialProposal ask() {
                return handle.ask();
            }

            @Override
            public void tell(long trialId, Map<String, Double> values) {
                handle.tell(trialId, values);
            }
        };
    }

    /** Every strategy on every problem and seed; {@code proposeTotals} is {count, seconds} spent proposing so far. */
    private static void runAll(Function<ExperimentSpec, AskTell> launch, Supplier<double[]> proposeTotals, List<Problem> problems,
                               List<String> strategies, List<SeedSet> sets, int batch, List<Run> runs, Map<String, Double> serverMillis) {
        long started = System.nanoTime();
        for (Problem problem : problems) {
            for (String strategy : strategies) {
                double[] before = proposeTotals.get();
                for (SeedSet set : sets) {
                    for (long seed = set.first(); seed < set.first() + set.count(); seed++) {
                        runs.add(run(launch, problem, strategy, seed, batch));
                    }
                }
                double[] after = proposeTotals.get();
                if (after[0] > before[0]) {
                    serverMillis.put(problem.name() + "/" + strategy, 1000 * (after[1] - before[1]) / (after[0] - before[0]));
                }
                System.out.printf(Locale.ROOT, "[%6.1fs] %s %s: %s done%n",
                        (System.nanoTime() - started) / 1e9, problem.name(), strategy, sets);
            }
        }
    }

    /** One table per seed set and problem family. */
    static String tables(List<Run> runs, List<Run> optuna, List<SeedSet> sets, List<Problem> problems, List<String> strategies, String mode) {
        var sb = new StringBuilder();
        for (SeedSet set : sets) {
            for (Problem.Family family : Problem.Family.values()) {
                List<Problem> rows = problems.stream().filter(p -> p.family() == family).toList();
                if (!rows.isEmpty()) {
                    sb.append("### ").append(family.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(" problems, ")
                            .append(set).append("\n\n");
                    sb.append(table(set.of(runs), set.of(optuna), rows, strategies, set.count(), mode)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** A range of seeds: those settings were chosen on ("tuning") or the unseen ones reported. */
    record SeedSet(String name, long first, int count) {
        List<Run> of(List<Run> runs) {
            return runs.stream().filter(r -> r.seed() >= first && r.seed() < first + count).toList();
        }

        @Override
        public String toString() {
            return name + " seeds " + first + "–" + (first + count - 1);
        }
    }

    static Run run(Function<ExperimentSpec, AskTell> launch, Problem problem, String strategy, long seed) {
        return run(launch, problem, strategy, seed, 1);
    }

    /** One run; with {@code batch} above 1, that many asks come before their tells (all trials told in order). */
    static Run run(Function<ExperimentSpec, AskTell> launch, Problem problem, String strategy, long seed, int batch) {
        var named = Args.Named.parse(strategy);
        var spec = new ExperimentSpec("quality-" + problem.name() + "-" + named.name() + "-" + seed + "-" + System.nanoTime(),
                List.of(Objective.minimize("value")), problem.space(), new StrategySpec(named.name(), seed, named.options()),
                null, new Budget(problem.budget(), batch > 1 ? batch : null, null), 1, null, seed);
        var experiment = launch.apply(spec);
        double best = Double.POSITIVE_INFINITY;
        var regretAt = new LinkedHashMap<Integer, Double>();
        double[] askMillis = new double[problem.budget()];
        int told = 0;
        while (told < problem.budget()) {
            var asked = new ArrayList<TrialProposal>();
            for (int k = 0; k < batch && told + asked.size() < problem.budget(); k++) {
                long t0 = System.nanoTime();
                asked.add(experiment.ask());
                askMillis[told + asked.size() - 1] = (System.nanoTime() - t0) / 1e6;
            }
            for (var trial : asked) {
                double value = problem.value(trial.params(), seed);
                experiment.tell(trial.id(), Map.of("value", value));
                best = Math.min(best, value);
                told++;
                for (int c : CHECKPOINTS) {
                    if (told == c) {
                        regretAt.put(c, problem.regret(best));
                    }
                }
            }
        }
        return new Run(problem.name(), strategy, seed, regretAt, askMillis);
    }

    /**
     * The {@code q} quantile of sorted values, interpolated linearly; +∞ (a run that found nothing)
     * stays +∞ where it is reached instead of making NaN.
     */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        if (pos == lo || sorted[lo] == sorted[hi]) {
            return sorted[lo];
        }
        return Double.isInfinite(sorted[hi]) ? sorted[hi] : sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static String table(List<Run> runs, List<Run> optuna, List<Problem> problems, List<String> strategies, int seeds, String mode) {
        List<String> samplers = optuna.stream().map(Run::strategy).distinct().toList();
        var sb = new StringBuilder();
        sb.append("Median simple regret [q25, q75] over ").append(seeds).append(" seeds; ").append(mode)
                .append(samplers.isEmpty() ? "" : "; Optuna 3.1 on the same functions and seeds (its median, and the best of them)")
                .append("\n\n");
        sb.append("| problem | trials | ").append(String.join(" | ", strategies));
        samplers.forEach(o -> sb.append(" | optuna ").append(o));
        sb.append(samplers.isEmpty() ? "" : " | best of Optuna").append(" |\n");
        sb.append("|---|---:|").append("---:|".repeat(strategies.size() + samplers.size() + (samplers.isEmpty() ? 0 : 1))).append("\n");
        for (Problem p : problems) {
            for (int c : CHECKPOINTS) {
                if (c > p.budget()) {
                    continue;
                }
                sb.append("| ").append(p.name()).append(" | ").append(c).append(" |");
                for (String s : strategies) {
                    double[] r = regrets(runs, p.name(), s, c);
                    sb.append(' ').append(r.length == 0 ? "n/a" : String.format(Locale.ROOT, "%s [%s, %s]",
                            g(quantile(r, 0.5)), g(quantile(r, 0.25)), g(quantile(r, 0.75)))).append(" |");
                }
                String bestName = null;
                double best = Double.POSITIVE_INFINITY;
                for (String o : samplers) {
                    double[] r = regrets(optuna, p.name(), o, c);
                    sb.append(' ').append(r.length == 0 ? "n/a" : g(quantile(r, 0.5)) + (r.length == seeds ? "" : " (" + r.length + " seeds)"))
                            .append(" |");
                    if (r.length > 0 && quantile(r, 0.5) < best) {
                        best = quantile(r, 0.5);
                        bestName = o;
                    }
                }
                if (!samplers.isEmpty()) {
                    sb.append(' ').append(bestName == null ? "n/a" : g(best) + " (" + bestName + ")").append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static double[] regrets(List<Run> runs, String problem, String strategy, int checkpoint) {
        return runs.stream().filter(x -> x.problem().equals(problem) && x.strategy().equals(strategy) && x.regretAt().containsKey(checkpoint))
                .mapToDouble(x -> x.regretAt().get(checkpoint)).sorted().toArray();
    }

    static String latencyTable(List<Run> runs, Map<String, Double> serverMillis, List<Problem> problems, List<String> strategies) {
        var sb = new StringBuilder();
        sb.append("Ask latency in ms: median [p95] of the client-side round trip over all asks of all runs");
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
