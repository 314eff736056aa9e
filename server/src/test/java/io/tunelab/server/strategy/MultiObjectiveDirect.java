package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A program (not a test) that runs multi-objective strategies with the strategy called directly,
 * no server: ZDT1, ZDT2 (30 variables) and DTLZ2 (3 objectives, 12 variables), defined as in
 * experiments' MultiObjectiveBenchmark, and the held-out ZDT3, UF1, DTLZ4 and Fonseca–Fleming
 * ({@link #PROBLEMS}), and prints one line per run with the hypervolume of every value found after
 * each checkpoint (reference points (11, 11), (2, 2, 2) and, for Fonseca–Fleming, (1.1, 1.1)), and
 * the mean milliseconds per proposal. A strategy may carry options: {@code tpe:candidates=48}; {@code relay=K}
 * is multi-objective TPE for the first K trials and NSGA-II after ({@link RelaySearch}), its options
 * NSGA-II's ({@code relay=150:crossover=blend}).
 *
 * <pre>java -cp … io.tunelab.server.strategy.MultiObjectiveDirect problems strategies seedFrom seedTo trials
 * java -cp … io.tunelab.server.strategy.MultiObjectiveDirect latency problem strategy 200,500,1000</pre>
 * The second form runs one seed to the largest size and prints the median and largest time of the
 * ten proposals after each size, and the median time of multi-objective TPE's split
 * ({@link ParetoSplit#good}) on the same histories.
 */
public final class MultiObjectiveDirect {
    private MultiObjectiveDirect() {
    }

    public static void main(String[] args) {
        if (args[0].equals("latency")) {
            latency(args[1], args[2], Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray());
            return;
        }
        List<String> problems = List.of(args[0].split(","));
        List<String> strategies = List.of(args[1].split(","));
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        int trials = Integer.parseInt(args[4]);
        System.out.println("problem,strategy,seed,hv_200,hv_500,ms_per_proposal");
        for (String problem : problems) {
            for (String strategy : strategies) {
                for (int seed = from; seed <= to; seed++) {
                    long t0 = System.nanoTime();
                    var hv = run(problem, strategy, seed, trials);
                    double ms = (System.nanoTime() - t0) / 1e6 / trials;
                    System.out.printf(Locale.ROOT, "%s,%s,%d,%s,%s,%.2f%n", problem, strategy, seed,
                            hv.get(200), hv.get(500), ms);
                }
            }
        }
    }

    static void latency(String problem, String strategy, int[] sizes) {
        var proposalMs = new ArrayList<Double>();
        var splitMs = new ArrayList<Double>();
        int last = sizes[sizes.length - 1] + 10;
        System.out.println("| problem | strategy | trials | median ms | max ms | split median ms |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        run(problem, strategy, 0, last, (context, ms) -> {
            proposalMs.add(ms);
            var unit = new UnitSpace(context.space());
            var observations = Observation.of(context, unit, null, false);
            long t0 = System.nanoTime();
            ParetoSplit.good(observations, TpeSearch.gamma(observations.size()));
            splitMs.add((System.nanoTime() - t0) / 1e6);
        });
        for (int size : sizes) {
            double[] p = proposalMs.subList(size, size + 10).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] s = splitMs.subList(size, size + 10).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f |%n", problem, strategy, size, p[5], p[9], s[5]);
        }
    }

    static Map<Integer, Double> run(String problem, String strategy, long seed, int trials) {
        return run(problem, strategy, seed, trials, (context, ms) -> {
        });
    }

    /** Runs one seed; {@code timed} sees each proposal's context and milliseconds. */
    static Map<Integer, Double> run(String problem, String strategy, long seed, int trials,
                                    java.util.function.BiConsumer<ProposalContext, Double> timed) {
        if (!PROBLEMS.contains(problem)) {
            throw new IllegalArgumentException("problem must be one of " + PROBLEMS + ", got " + problem);
        }
        int m = problem.startsWith("dtlz") ? 3 : 2;
        int n = problem.startsWith("dtlz") ? 12 : problem.equals("ff") ? 3 : 30;
        double[] reference = m == 3 ? new double[]{2, 2, 2} : problem.equals("ff") ? new double[]{1.1, 1.1} : new double[]{11, 11};
        var objectives = new ArrayList<Objective>();
        for (int k = 1; k <= m; k++) {
            objectives.add(Objective.minimize("f" + k));
        }
        var b = SearchSpace.builder();
        for (int i = 0; i < n; i++) {
            b.add("x" + i, problem.equals("uf1") && i > 0 ? FloatParam.of(-1, 1) : problem.equals("ff") ? FloatParam.of(-4, 4)
                    : FloatParam.of(0, 1));
        }
        var space = b.build();
        String[] parts = strategy.split(":");
        var options = new LinkedHashMap<String, Object>();
        var tpeOptions = new LinkedHashMap<String, Object>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            Object value = kv[1].matches("-?[0-9.]+") ? (Object) Double.parseDouble(kv[1]) : kv[1];
            if (kv[0].startsWith("tpe.")) {
                tpeOptions.put(kv[0].substring(4), value);
            } else {
                options.put(kv[0], value);
            }
        }
        // relay=K: multi-objective TPE for trials 0 to K − 1, NSGA-II after (what auto may run);
        // an option tpe.NAME goes to that TPE.
        var search = parts[0].startsWith("relay=")
                ? new RelaySearch(Strategies.create(new StrategySpec("tpe", seed, tpeOptions), space, objectives, seed),
                        Strategies.create(new StrategySpec("nsga2", seed, options), space, objectives, seed),
                        Integer.parseInt(parts[0].substring(6)))
                : Strategies.create(new StrategySpec(parts[0], seed, options), space, objectives, seed);
        var history = new ArrayList<Trial>();
        var found = new ArrayList<double[]>();
        var out = new LinkedHashMap<Integer, Double>();
        for (int t = 0; t < trials; t++) {
            var context = new ProposalContext(space, objectives, seed, t, history);
            long t0 = System.nanoTime();
            var params = search.propose(context);
            timed.accept(context, (System.nanoTime() - t0) / 1e6);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = ((Number) params.get("x" + i)).doubleValue();
            }
            double[] f = values(problem, x);
            var values = new LinkedHashMap<String, Double>();
            for (int k = 0; k < m; k++) {
                values.put("f" + (k + 1), f[k]);
            }
            history.add(InProcessExperiment.trial(t, params, TrialState.COMPLETE, values));
            found.add(f);
            if (t + 1 == 200 || t + 1 == 500) {
                out.put(t + 1, Hypervolume.of(found, reference));
            }
        }
        return out;
    }

    /**
     * The problems: the suite's ZDT1, ZDT2 and DTLZ2, and two held out of every choice of
     * settings: ZDT3 (a front in five disconnected pieces) and UF1 of the CEC 2009 competition
     * (x₁ in [0, 1], the other 29 in [−1, 1], each tied to x₁ by sin(6πx₁ + jπ/n): a linkage no
     * separable model describes). Both are scored with the reference point (11, 11). And two small
     * held-out problems, where the full quadratic has its points early: DTLZ4 (DTLZ2 with each
     * angle x<sup>100</sup>, so most of the box maps to one end of the front; 12 variables, 3
     * objectives, scored at (2, 2, 2)) and Fonseca–Fleming (3 variables in [−4, 4], f = 1 −
     * exp(−Σ(x<sub>i</sub> ∓ 1/√3)²), a concave front that no quadratic describes; scored at (1.1, 1.1)).
     */
    static final List<String> PROBLEMS = List.of("zdt1", "zdt2", "dtlz2", "zdt3", "uf1", "dtlz4", "ff");

    static double[] values(String problem, double[] x) {
        if (problem.equals("uf1")) {
            int n = x.length;
            double odd = 0;
            double even = 0;
            int odds = 0;
            int evens = 0;
            for (int i = 1; i < n; i++) {
                int j = i + 1;
                double d = x[i] - Math.sin(6 * Math.PI * x[0] + j * Math.PI / n);
                if (j % 2 == 1) {
                    odd += d * d;
                    odds++;
                } else {
                    even += d * d;
                    evens++;
                }
            }
            return new double[]{x[0] + 2 * odd / odds, 1 - Math.sqrt(x[0]) + 2 * even / evens};
        }
        if (problem.equals("ff")) {
            double c = 1 / Math.sqrt(x.length);
            double minus = 0;
            double plus = 0;
            for (double v : x) {
                minus += (v - c) * (v - c);
                plus += (v + c) * (v + c);
            }
            return new double[]{1 - Math.exp(-minus), 1 - Math.exp(-plus)};
        }
        if (problem.startsWith("dtlz")) {
            double g = Arrays.stream(x, 2, x.length).map(v -> (v - 0.5) * (v - 0.5)).sum();
            double a = problem.equals("dtlz4") ? 100 : 1;
            double x0 = Math.pow(x[0], a) * Math.PI / 2;
            double x1 = Math.pow(x[1], a) * Math.PI / 2;
            return new double[]{(1 + g) * Math.cos(x0) * Math.cos(x1), (1 + g) * Math.cos(x0) * Math.sin(x1), (1 + g) * Math.sin(x0)};
        }
        double g = 1 + 9 * Arrays.stream(x, 1, x.length).sum() / (x.length - 1);
        double r = x[0] / g;
        double h = switch (problem) {
            case "zdt1" -> 1 - Math.sqrt(r);
            case "zdt2" -> 1 - r * r;
            default -> 1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * x[0]); // zdt3
        };
        return new double[]{x[0], g * h};
    }
}
