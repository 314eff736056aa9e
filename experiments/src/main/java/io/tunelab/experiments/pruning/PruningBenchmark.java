package io.tunelab.experiments.pruning;

import io.tunelab.api.Budget;
import io.tunelab.api.Decision;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.quality.Args;

import java.util.ArrayList;
import io.tunelab.experiments.support.Medians;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The pruning benchmark: trials (same strategy, same seed) trained on {@link LearningCurves}
 * under each pruner, through a real server and the SDK. Each epoch is reported; the server's
 * reply says whether to go on. {@code none} trains {@code --trials} trials fully; a pruner gets
 * the same number of trials, or with {@code --epoch-share s} as many trials as fit in s times
 * {@code none}'s epochs (what a pruner is for: more configurations for less compute). Prints,
 * per pruner, the epochs spent (and their share of {@code none}'s), the trials run and pruned,
 * and the best final loss found (observed, and its noiseless value), as medians over the seeds.
 * With several strategies ({@code --strategy tpe,tpe:learn_from=complete}) every pruner runs
 * under each, and a last table pairs them seed by seed: what a strategy gains by learning from
 * the trials the pruner stopped. {@code --in-process} runs the same loop on the server's strategy and
 * pruner classes in this process ({@link InProcessSession}: same decisions, no HTTP or storage;
 * the server's classes must be on the classpath).
 *
 * <pre>
 *   PruningBenchmark --server URL | --in-process [--curves crossing|steady|plateau] [--trials 100] [--seeds 5] [--seed-start 0]
 *                    [--strategy random[,tpe,...]] [--epoch-share 0.33]
 *                    [--pruners none,median:warmup_steps=10,asha:min_resource=9,hyperband:min_resource=3]
 * </pre>
 */
public final class PruningBenchmark {
    private PruningBenchmark() {
    }

    /** What the loop needs of an experiment: the real server's through the SDK, or one in this process. */
    interface Session {
        TrialProposal ask();

        Decision report(long trialId, int step, Map<String, Double> values);

        void pruned(long trialId, Map<String, Double> values);

        void tell(long trialId, Map<String, Double> values);

        /** An experiment launched on a real server. */
        static Session of(ExperimentHandle handle) {
            return new Session() {
                @Override
                public TrialProposal ask() {
                    return handle.ask();
                }

                @Override
                public Decision report(long trialId, int step, Map<String, Double> values) {
                    return handle.report(trialId, step, values);
                }

                @Override
                public void pruned(long trialId, Map<String, Double> values) {
                    handle.pruned(trialId, values);
                }

                @Override
                public void tell(long trialId, Map<String, Double> values) {
                    handle.tell(trialId, values);
                }
            };
        }
    }

    record Run(String strategy, String pruner, long seed, int trials, int epochs, int pruned, double bestFinal, double bestTrue) {
    }

    public static void main(String[] args) {
        var a = Args.parse(args);
        int trials = a.integer("trials", 100);
        int seeds = a.integer("seeds", 5);
        int seedStart = a.integer("seed-start", 0);
        List<String> strategies = a.list("strategy", List.of("random"));
        double share = Double.parseDouble(a.string("epoch-share", "0"));
        var curves = LearningCurves.valueOf(a.string("curves", "crossing").toUpperCase(Locale.ROOT));
        List<String> pruners = a.list("pruners", List.of("none", "median:warmup_steps=10", "asha:min_resource=9",
                "hyperband:min_resource=3"));
        var runs = new ArrayList<Run>();
        boolean inProcess = a.flag("in-process");
        try (var client = inProcess ? null
                : TunelabClient.connect(a.string("server", "http://127.0.0.1:8080"), System.getenv("TUNELAB_TOKEN"))) {
            Function<ExperimentSpec, Session> launch = inProcess ? InProcessSession::launch : spec -> Session.of(client.launch(spec));
            for (long seed = seedStart; seed < seedStart + seeds; seed++) {
                for (String strategy : strategies) {
                    for (String pruner : pruners) {
                        int epochBudget = pruner.equals(PrunerSpec.NONE) || share <= 0
                                ? Integer.MAX_VALUE : (int) (share * trials * LearningCurves.EPOCHS);
                        runs.add(run(launch, curves, pruner, strategy, seed,
                                epochBudget == Integer.MAX_VALUE ? trials : Integer.MAX_VALUE, epochBudget));
                        var r = runs.getLast();
                        System.out.printf(Locale.ROOT, "seed %d %-28s %-26s trials %4d epochs %5d pruned %3d best final %.4f (true %.4f)%n",
                                seed, strategy, pruner, r.trials, r.epochs, r.pruned, r.bestFinal, r.bestTrue);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "seeds %d to %d%n", seedStart, seedStart + seeds - 1);
        for (String strategy : strategies) {
            System.out.println(table(runs.stream().filter(r -> r.strategy.equals(strategy)).toList(), curves, pruners, seeds, trials,
                    strategy, share, inProcess));
        }
        if (strategies.size() > 1) {
            System.out.println(pairs(runs, strategies, pruners));
        }
    }

    /**
     * Per pruner, each strategy's median best observed final loss and, against the first
     * strategy, on how many seeds it found a better one.
     */
    static String pairs(List<Run> runs, List<String> strategies, List<String> pruners) {
        var sb = new StringBuilder("| pruner | strategy | median best final loss | its noiseless loss | seeds better than "
                + strategies.getFirst() + " |\n|---|---|---:|---:|---:|\n");
        for (String p : pruners) {
            var base = runs.stream().filter(r -> r.pruner.equals(p) && r.strategy.equals(strategies.getFirst())).toList();
            for (String s : strategies) {
                var rs = runs.stream().filter(r -> r.pruner.equals(p) && r.strategy.equals(s)).toList();
                int better = 0;
                for (int k = 0; k < rs.size() && k < base.size(); k++) {
                    better += rs.get(k).bestFinal < base.get(k).bestFinal ? 1 : 0;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %s |%n", p, s,
                        Medians.of(rs.stream().mapToDouble(Run::bestFinal).toArray()),
                        Medians.of(rs.stream().mapToDouble(Run::bestTrue).toArray()),
                        s.equals(strategies.getFirst()) ? "—" : better + " of " + rs.size()));
            }
        }
        return sb.toString();
    }

    /**
     * A pruner as written on the command line; asha's and hyperband's max_resource defaults to the
     * epochs (the spec has no task to say them), so no rung sits at a trial's last epoch.
     */
    static PrunerSpec spec(String pruner) {
        var named = Args.Named.parse(pruner);
        var options = new java.util.LinkedHashMap<>(named.options());
        if (named.name().equals("hyperband") || named.name().equals("asha")) {
            options.putIfAbsent("max_resource", LearningCurves.EPOCHS);
        }
        return new PrunerSpec(named.name(), options);
    }

    /** Runs trials until {@code trials} are done or {@code epochBudget} epochs are spent. */
    static Run run(Function<ExperimentSpec, Session> launch, LearningCurves curves, String pruner, String strategy, long seed, int trials,
                   int epochBudget) {
        var named = Args.Named.parse(strategy);
        var spec = new ExperimentSpec("pruning-" + pruner + "-" + seed + "-" + System.nanoTime(), List.of(Objective.minimize("loss")),
                LearningCurves.SPACE, new StrategySpec(named.name(), seed, named.options()), spec(pruner), Budget.unlimited(), 1, null, seed);
        var experiment = launch.apply(spec);
        int epochs = 0;
        int pruned = 0;
        double bestFinal = Double.POSITIVE_INFINITY;
        double bestTrue = Double.NaN;
        int done = 0;
        for (; done < trials && epochs < epochBudget; done++) {
            var trial = experiment.ask();
            double[] curve = curves.curve(trial.params(), seed * 100_003 + trial.number());
            boolean stopped = false;
            double lastLoss = Double.NaN;
            int reached = 0;
            for (int t = 1; t <= LearningCurves.EPOCHS && !stopped && epochs < epochBudget; t++) {
                epochs++;
                lastLoss = curve[t - 1];
                reached = t;
                var values = Map.of("loss", lastLoss);
                if (experiment.report(trial.id(), t, values) == Decision.PRUNE) {
                    experiment.pruned(trial.id(), values);
                    pruned++;
                    stopped = true;
                }
            }
            if (!stopped && reached < LearningCurves.EPOCHS) {
                // Out of budget mid-training: the trial is stopped unfinished, like a pruned one.
                experiment.pruned(trial.id(), Map.of("loss", lastLoss));
                stopped = true;
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
        return new Run(strategy, pruner, seed, done, epochs, pruned, bestFinal, bestTrue);
    }

    static String table(List<Run> runs, LearningCurves curves, List<String> pruners, int seeds, int trials, String strategy,
                        double share, boolean inProcess) {
        double noneEpochs = Medians.of(runs.stream().filter(r -> r.pruner.equals(PrunerSpec.NONE)).mapToDouble(Run::epochs).toArray());
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s curves; none: %d trials of %d epochs; pruners: %s (strategy %s), medians over %d seeds; "
                        + "%s%n%n", curves.name().toLowerCase(Locale.ROOT), trials, LearningCurves.EPOCHS,
                share > 0 ? String.format(Locale.ROOT, "trials until %.2f of none's epochs are spent", share) : "the same trials",
                strategy, seeds, inProcess ? "the server's classes in this process" : "real server via the SDK"));
        sb.append("| pruner | trials | epochs | share of none's | trials pruned | best final loss | its noiseless loss |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String p : pruners) {
            var rs = runs.stream().filter(r -> r.pruner.equals(p)).toList();
            double epochs = Medians.of(rs.stream().mapToDouble(Run::epochs).toArray());
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.0f | %.4f | %.4f |%n", p,
                    Medians.of(rs.stream().mapToDouble(Run::trials).toArray()), epochs,
                    Double.isNaN(noneEpochs) ? "n/a" : String.format(Locale.ROOT, "%.2f", epochs / noneEpochs),
                    Medians.of(rs.stream().mapToDouble(Run::pruned).toArray()),
                    Medians.of(rs.stream().mapToDouble(Run::bestFinal).toArray()),
                    Medians.of(rs.stream().mapToDouble(Run::bestTrue).toArray())));
        }
        return sb.toString();
    }
}
