package io.tunelab.experiments.racing;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Racing;
import io.tunelab.api.Repetition;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.experiments.quality.Args;
import io.tunelab.experiments.quality.SdkDriver;
import io.tunelab.experiments.support.Medians;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The racing benchmark: on {@link NoisySuite}, at the same number of evaluations, a search whose
 * trials are raced ({@code racing: {min_repetitions, max_repetitions}}) against the same search
 * with a fixed {@code repetitions: 3}, both proposing with the same strategy and seed, through a
 * real server and the SDK. Prints, per seed and over the seeds, the true regret of the
 * configuration each names as its winner (its true loss above the true minimum) and whether that
 * winner is truly among the best 5% of the space.
 *
 * <p>Each search's winner is its leaderboard's best trial: with fixed repetitions the best mean
 * (every trial has the same three repetitions), in a race the incumbent (the best mean among the
 * complete trials with the most repetitions).
 *
 * <pre>
 *   RacingBenchmark [--server URL | --own-server] [--seeds 20] [--seed-start 0] [--evaluations 150]
 *                   [--min 2] [--max 6] [--alpha 0.05] [--strategy tpe]
 * </pre>
 */
public final class RacingBenchmark {
    static final int FIXED_REPETITIONS = 3;

    private RacingBenchmark() {
    }

    /** One search: how many trials it ran, how many were raced out, and the true regret of its winner. */
    record Run(int trials, int racedOut, int winnerRepetitions, double regret, boolean inBest5) {
    }

    public static void main(String[] args) throws Exception {
        var a = Args.parse(args);
        int seeds = a.integer("seeds", 20);
        int seedStart = a.integer("seed-start", 0);
        int evaluations = a.integer("evaluations", 150);
        String alpha = a.string("alpha", null);
        var racing = new Racing(a.integer("min", 2), a.integer("max", 6), alpha == null ? null : Double.valueOf(alpha), null);
        String strategy = a.string("strategy", "tpe");
        var fixed = new ArrayList<Run>();
        var raced = new ArrayList<Run>();
        try (SdkDriver driver = a.flag("own-server") ? SdkDriver.startOwnServer() : SdkDriver.connect(a.string("server", null))) {
            for (long seed = seedStart; seed < seedStart + seeds; seed++) {
                var suite = new NoisySuite(seed);
                fixed.add(fixed(driver, suite, strategy, evaluations));
                raced.add(raced(driver, suite, strategy, evaluations, racing));
                System.out.printf(Locale.ROOT, "seed %3d  fixed: %3d trials, regret %.4f%s  racing: %3d trials (%3d raced out), "
                                + "winner on %d repetitions, regret %.4f%s%n", seed, fixed.getLast().trials, fixed.getLast().regret,
                        fixed.getLast().inBest5 ? " (best 5%)" : "", raced.getLast().trials, raced.getLast().racedOut,
                        raced.getLast().winnerRepetitions, raced.getLast().regret, raced.getLast().inBest5 ? " (best 5%)" : "");
            }
        }
        System.out.println(summary(fixed, raced, evaluations, racing, strategy, seeds));
    }

    /** The table of both searches over the seeds, and the ratio of their median regrets. */
    static String summary(List<Run> fixed, List<Run> raced, int evaluations, Racing racing, String strategy, int seeds) {
        var sb = new StringBuilder(String.format(Locale.ROOT, "%n%d evaluations per search, strategy %s, %d seeds; true regret "
                + "of the named winner (its true loss minus the true minimum %.4f); best 5%% = true loss at most %.4f%n%n",
                evaluations, strategy, seeds, NoisySuite.minimum(), NoisySuite.quantile(0.05)));
        sb.append("| search | trials (median) | median regret | mean regret | winner in the best 5% |\n|---|---:|---:|---:|---:|\n");
        sb.append(row("repetitions: " + FIXED_REPETITIONS, fixed));
        sb.append(row("racing " + racing.minRepetitions() + " to " + racing.maxRepetitions()
                + (racing.alpha() == null ? "" : ", alpha " + racing.alpha()), raced));
        sb.append(String.format(Locale.ROOT, "%nracing's median regret / fixed repetitions': %.2f%n",
                Medians.of(regrets(raced)) / Medians.of(regrets(fixed))));
        return sb.toString();
    }

    private static String row(String name, List<Run> runs) {
        long best = runs.stream().filter(Run::inBest5).count();
        return String.format(Locale.ROOT, "| %s | %.0f | %.4f | %.4f | %d of %d |%n", name,
                Medians.of(runs.stream().mapToDouble(Run::trials).toArray()), Medians.of(regrets(runs)),
                Arrays.stream(regrets(runs)).average().orElse(Double.NaN), best, runs.size());
    }

    private static double[] regrets(List<Run> runs) {
        return runs.stream().mapToDouble(Run::regret).toArray();
    }

    /** Trials of three repetitions each until the evaluations are spent; the winner is the leaderboard's best. */
    static Run fixed(SdkDriver driver, NoisySuite suite, String strategy, int evaluations) {
        int trials = evaluations / FIXED_REPETITIONS;
        ExperimentHandle exp = driver.launch(spec("fixed", suite, strategy).repetitions(FIXED_REPETITIONS).trials(trials).build());
        for (int i = 0; i < trials; i++) {
            TrialProposal p = exp.ask();
            var repetitions = new ArrayList<Repetition>();
            for (int r = 0; r < FIXED_REPETITIONS; r++) {
                repetitions.add(new Repetition(r, null, Map.of("loss", observe(suite, p.params(), r))));
            }
            exp.tell(p.id(), TrialResult.ofRepetitions(repetitions));
        }
        Trial winner = exp.leaderboard(1).getFirst();
        return run(trials, 0, winner);
    }

    /** Repetitions one at a time, as the server leases them, until the evaluations are spent. */
    static Run raced(SdkDriver driver, NoisySuite suite, String strategy, int evaluations, Racing racing) {
        ExperimentHandle exp = driver.launch(spec("racing", suite, strategy).racing(racing).build());
        for (int e = 0; e < evaluations; e++) {
            TrialProposal p = exp.ask();
            exp.tell(p.id(), observe(suite, p.params(), p.repetition()));
        }
        exp.stop();
        List<Trial> trials = exp.trials();
        int racedOut = (int) trials.stream().filter(t -> t.state() == TrialState.RACED_OUT).count();
        return run(trials.size(), racedOut, exp.leaderboard(1).getFirst());
    }

    private static Run run(int trials, int racedOut, Trial winner) {
        double x = ((Number) winner.params().get("x")).doubleValue();
        double y = ((Number) winner.params().get("y")).doubleValue();
        return new Run(trials, racedOut, winner.repetitions().size(), NoisySuite.regret(x, y),
                NoisySuite.truth(x, y) <= NoisySuite.quantile(0.05));
    }

    private static double observe(NoisySuite suite, Map<String, Object> params, int r) {
        return suite.observe(((Number) params.get("x")).doubleValue(), ((Number) params.get("y")).doubleValue(), r);
    }

    private static ExperimentSpec.Builder spec(String kind, NoisySuite suite, String strategy) {
        return ExperimentSpec.builder("racing-bench-" + kind + "-" + suite.seed() + "-" + System.nanoTime()).minimize("loss")
                .param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(0, 1))
                .strategy(new StrategySpec(strategy, suite.seed(), Map.of()));
    }
}
