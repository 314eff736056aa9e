package io.tunelab.experiments.pruning;

import io.tunelab.api.Budget;
import io.tunelab.api.Decision;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.StrategySpec;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.quality.Args;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pruning benchmark: the same trials (same strategy, same seed) trained on
 * {@link LearningCurves} under each pruner, through a real server and the SDK. Each epoch is
 * reported; the server's reply says whether to go on. Prints, per pruner, the epochs spent (and
 * their share of {@code none}'s), the trials pruned, and the best final loss found (observed, and
 * its noiseless value), as medians over the seeds.
 *
 * <pre>
 *   PruningBenchmark --server URL [--trials 100] [--seeds 5] [--strategy random]
 *                    [--pruners none,median:warmup_steps=10,asha:min_resource=9,hyperband:min_resource=3]
 * </pre>
 */
public final class PruningBenchmark {
    private PruningBenchmark() {
    }

    record Run(String pruner, long seed, int epochs, int pruned, double bestFinal, double bestTrue) {
    }

    public static void main(String[] args) {
        var a = Args.parse(args);
        int trials = a.integer("trials", 100);
        int seeds = a.integer("seeds", 5);
        String strategy = a.string("strategy", "random");
        List<String> pruners = a.list("pruners", List.of("none", "median:warmup_steps=10", "asha:min_resource=9",
                "hyperband:min_resource=3"));
        var runs = new ArrayList<Run>();
        try (var client = TunelabClient.connect(a.string("server", "http://127.0.0.1:8080"))) {
            for (long seed = 0; seed < seeds; seed++) {
                for (String pruner : pruners) {
                    runs.add(run(client, pruner, strategy, seed, trials));
                    var r = runs.getLast();
                    System.out.printf(Locale.ROOT, "seed %d %-9s epochs %5d pruned %3d best final %.4f (true %.4f)%n",
                            seed, pruner, r.epochs, r.pruned, r.bestFinal, r.bestTrue);
                }
            }
        }
        System.out.println(table(runs, pruners, seeds, trials, strategy));
    }

    /** A pruner as written on the command line; hyperband's max_resource defaults to the epochs. */
    static PrunerSpec spec(String pruner) {
        var named = Args.Named.parse(pruner);
        var options = new java.util.LinkedHashMap<>(named.options());
        if (named.name().equals("hyperband")) {
            options.putIfAbsent("max_resource", LearningCurves.EPOCHS);
        }
        return new PrunerSpec(named.name(), options);
    }

    static Run run(TunelabClient client, String pruner, String strategy, long seed, int trials) {
        var spec = new ExperimentSpec("pruning-" + pruner + "-" + seed + "-" + System.nanoTime(), List.of(Objective.minimize("loss")),
                LearningCurves.SPACE, new StrategySpec(strategy, seed, Map.of()), spec(pruner), Budget.trials(trials), 1, null, seed);
        var experiment = client.launch(spec);
        int epochs = 0;
        int pruned = 0;
        double bestFinal = Double.POSITIVE_INFINITY;
        double bestTrue = Double.NaN;
        for (int i = 0; i < trials; i++) {
            var trial = experiment.ask();
            double[] curve = LearningCurves.curve(trial.params(), seed * 100_003 + trial.number());
            boolean stopped = false;
            for (int t = 1; t <= LearningCurves.EPOCHS && !stopped; t++) {
                epochs++;
                var values = Map.of("loss", curve[t - 1]);
                if (experiment.report(trial.id(), t, values) == Decision.PRUNE) {
                    experiment.pruned(trial.id(), values);
                    pruned++;
                    stopped = true;
                }
            }
            if (!stopped) {
                double last = curve[LearningCurves.EPOCHS - 1];
                experiment.tell(trial.id(), Map.of("loss", last));
                if (last < bestFinal) {
                    bestFinal = last;
                    bestTrue = LearningCurves.finalLoss(trial.params());
                }
            }
        }
        return new Run(pruner, seed, epochs, pruned, bestFinal, bestTrue);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String table(List<Run> runs, List<String> pruners, int seeds, int trials, String strategy) {
        double noneEpochs = median(runs.stream().filter(r -> r.pruner.equals(PrunerSpec.NONE)).mapToDouble(Run::epochs).toArray());
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d trials of %d epochs (strategy %s), medians over %d seeds; real server via the SDK%n%n",
                trials, LearningCurves.EPOCHS, strategy, seeds));
        sb.append("| pruner | epochs | share of none's | trials pruned | best final loss | its noiseless loss |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (String p : pruners) {
            var rs = runs.stream().filter(r -> r.pruner.equals(p)).toList();
            double epochs = median(rs.stream().mapToDouble(Run::epochs).toArray());
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %.0f | %.4f | %.4f |%n", p, epochs,
                    Double.isNaN(noneEpochs) ? "n/a" : String.format(Locale.ROOT, "%.2f", epochs / noneEpochs),
                    median(rs.stream().mapToDouble(Run::pruned).toArray()),
                    median(rs.stream().mapToDouble(Run::bestFinal).toArray()),
                    median(rs.stream().mapToDouble(Run::bestTrue).toArray())));
        }
        return sb.toString();
    }
}
