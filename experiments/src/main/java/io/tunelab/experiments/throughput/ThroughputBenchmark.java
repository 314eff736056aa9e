package io.tunelab.experiments.throughput;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.quality.Args;
import io.tunelab.experiments.support.Medians;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Durable ask+tell throughput against its anchor, in one run: first Optuna 3.1's journal-file
 * storage ({@link OptunaJournal}: same three params, random sampler, 1,000 sequential ask+tell in
 * one process), then a real Tunelab server process on H2 (started here unless {@code --server URL}
 * is given) with N concurrent SDK clients, in one experiment per protocol with the {@code random}
 * strategy: the classic ask then tell (two requests per trial) and the tell that brings the next
 * trial (one request per trial), each over trials 1–1,000 and the last 1,000 of one experiment
 * that the clients drive without a pause from its first trial to its last (each window's rate is
 * its 1,000 trials over the time from the trial finished before them to the last of them, so the
 * last window has no ramp-up and no drain of its own: before 2026-12-05 each window was a run of
 * its own, started on a barrier and drained at its end, which cost a 1,000-trial window of about
 * 0.2 s some 15–20 ms at each edge); then the same
 * clients on an authenticated request that does nothing ({@code GET /api/session}), the HTTP
 * floor of this machine. It prints the table, the ratios to Optuna and to the floor, the p99
 * growth, and the CPU µs per trial in the server (from its {@code /proc/<pid>/stat}) and in the
 * clients (this process), each also apart from its JVM's JIT compiler threads, and of the server's
 * the part its storage writer thread used (the thread that runs every commit). A round trip is
 * one trial's ask and tell, whatever the requests. Warm-up, in this order, each on experiments of
 * its own: {@code --warmup} floor requests; {@code --warmup} trials of each protocol in turn; then,
 * for each protocol, a tenth of {@code --warmup} more of it (at least 100) immediately followed by
 * its measured experiment (a fresh one, driven from its first trial to its last); the
 * floor is measured last. So with the default order classic's window follows the floor, both
 * protocols' warm-ups and 300 more classic trials, and the tell with next's window follows all of
 * that, classic's measured experiment and 300 more tells with next. Each window thus starts on code
 * that the same kind of work compiled last, after as much warm-up as before: measured right after
 * GETs only, the first protocol paid the deoptimisation of the server's request decoding for a
 * body (1,574 against 6,076 round trips/s on the first 1,000), and with each protocol's whole
 * warm-up right before its own window classic's had a third less compilation behind it. The
 * server's JIT compiles for some 30,000 requests, so with the default warm-up the figures include
 * part of its compilation (printed apart), and with a longer one they are closer to a
 * long-running server's. Each part of the warm-up runs as consecutive experiments of at most
 * {@code --warmup-experiment} trials (1,000 by default; 0 for one experiment per part, the method
 * before 2026-12-07): with one long experiment per protocol the server's JIT had seen two
 * experiments start and end, and undid code compiled for the middle of one (uncommon traps in
 * the first proposal, the spec's parsing, the last tells) during the measured experiment's first
 * trials.
 *
 * <p>Usage: {@code java -cp … ThroughputBenchmark [--clients 16] [--trials 10000] [--server URL]
 * [--durability process|fsync] [--optuna-runs 3] [--protocols classic,next] [--warmup 3000]
 * [--warmup-experiment 1000] [--server-jvm OPTION]... [--timeline] [--commits] [--repeat 1]}; with Optuna it also prints the median fsync of the journal's
 * directory and Optuna's rate with the journal on {@code /dev/shm} (where fsync does nothing):
 * the anchor's rate moves with the disk's fsync latency, and these say by how much. Each
 * {@code --server-jvm} adds one JVM option to the server started here (after the ones it always
 * has), to compare a collector or log the JIT under this load. {@code --timeline} also prints, for
 * each measured 1,000 trials, how many ms each successive 100 took: whether a slow window was slow
 * throughout or stalled at its start. {@code --commits} also prints how many writes shared each of
 * the storage writer's group commits over each measured experiment, and with {@code --durability
 * fsync} how many of those commits shared each fsync (read from the server's
 * {@code /metrics} right before and after it; off by default, since a request of another kind just
 * before a window moves the figures of its first 1,000 trials). {@code --repeat N} makes N whole
 * runs in turn, each with its own Optuna runs, a fresh server (in a folder of its own) and its own
 * warm-up, prints each as above and then {@link #summary}: every figure of every repetition side
 * by side, their median, and how many repetitions met each target.
 */
public final class ThroughputBenchmark {
    /**
     * Trials per warm-up experiment by default: a server's JIT learns how an experiment starts and
     * ends (its creation, first asks and proposals, last tells) only from experiments that start and
     * end, and a server in use has run many; a warm-up of one long experiment per protocol left that
     * to the measured experiment's first 1,000 trials (experiments/PERFORMANCE.md, 2026-12-07).
     */
    static final int WARMUP_EXPERIMENT = 1000;
    /** The bound on the p99 at the last 1,000 trials over the p99 at the first 1,000. */
    private static final double P99_GROWTH_TARGET = 2;

    private ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        var repetitions = new java.util.ArrayList<Repetition>();
        for (int k = 1; k <= o.repeat(); k++) {
            if (o.repeat() > 1) {
                System.out.printf(Locale.ROOT, "%n## Repetition %d of %d: its own Optuna runs, a fresh server and its warm-up%n%n", k, o.repeat());
            }
            repetitions.add(run(o));
        }
        if (o.repeat() > 1) {
            System.out.println();
            System.out.println(summary(repetitions, o.trials()));
        }
    }

    /** One whole run: Optuna's journal, then a fresh server (or the one at {@code --server}), its warm-up, each protocol and the floor. */
    private static Repetition run(Options o) throws Exception {
        String url = o.url();
        Path scratch = Scratch.directory("tunelab-throughput");
        double optuna = Double.NaN;
        double optunaInMemory = Double.NaN;
        if (o.optunaRuns() > 0) {
            List<Double> rates = OptunaJournal.measure(1000, o.optunaRuns(), scratch);
            optuna = Medians.of(rates);
            System.out.printf(Locale.ROOT, "Optuna 3.1 journal file, random sampler, 1,000 sequential ask+tell in one process: "
                    + "median %.0f trials/s over %d runs %s%n", optuna, rates.size(), rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
            // How much of that rate is the disk: each fsync here, and the same runs where fsync does nothing.
            System.out.printf(Locale.ROOT, "fsync after a 200-byte append in the journal's directory (%s): median %.0f µs over 200 "
                    + "(Optuna's journal does about 5 per ask+tell)%n", scratch, OptunaJournal.fsyncMicros(scratch, 200));
            Path memory = OptunaJournal.memoryDirectory().orElse(null);
            if (memory != null) {
                try {
                    List<Double> inMemory = OptunaJournal.measure(1000, o.optunaRuns(), memory);
                    optunaInMemory = Medians.of(inMemory);
                    System.out.printf(Locale.ROOT, "the same Optuna runs with the journal on /dev/shm (memory: fsync does nothing; not the "
                            + "anchor): median %.0f trials/s %s%n", optunaInMemory, inMemory.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
                } catch (java.io.IOException e) { // an aside: the anchor was measured, so the run goes on without it
                    System.out.println("the Optuna runs on /dev/shm failed, so no in-memory rate: " + e.getMessage());
                } finally {
                    Scratch.delete(memory);
                }
            }
        }
        TunelabProcesses.ServerProcess server = null;
        if (url == null) {
            server = TunelabProcesses.startServer(scratch.resolve("data"), 0, o.serverJvm(), "--durability", o.durability());
            url = server.url();
        }
        long pid = server == null ? -1 : server.process().pid();
        try (TunelabClient client = server != null ? server.client() : TunelabClient.connect(url, System.getenv("TUNELAB_TOKEN"))) {
            System.out.printf(Locale.ROOT, "Tunelab: %d clients, %d trials per protocol, random strategy, server %s (H2, every reply "
                    + "after its commit, durability %s); %d cores, shared with whatever else runs; warm-up %,d floor "
                    + "requests, then %,d trials of each protocol, then %,d more of each right before its measured experiment, %s%s%s%n", o.clients(),
                    o.trials(), url, server == null ? "as the server was started" : o.durability(), Runtime.getRuntime().availableProcessors(), o.warmup(),
                    o.warmup(), Math.max(100, o.warmup() / 10), o.warmupExperiment() == 0 ? "each part one experiment"
                            : String.format(Locale.ROOT, "in experiments of at most %,d trials", o.warmupExperiment()),
                    o.serverJvm().isEmpty() ? "" : "; server JVM options added: " + String.join(" ", o.serverJvm()),
                    server == null ? "" : "; the server " + classArchive(server.process().info().arguments().map(List::of).orElse(null)));
            // Warm both JITs so the figures are steady state: the floor first, then every protocol
            // as before (so the compiler has as long as it had before the first window), then each
            // protocol again right before its measured experiment, so that no measured window
            // starts on code compiled for other work (after GETs only, the first requests with a
            // body deoptimise the server's compiled request decoding).
            long stamp = System.currentTimeMillis();
            Load.run(o.clients(), o.warmup(), pid, Load.floor(client));
            for (String name : o.protocols()) {
                warm(client, o.clients(), pid, name, "warmup-" + name + "-" + stamp, o.warmup(), o.warmupExperiment());
            }
            int again = Math.max(100, o.warmup() / 10);

            var results = new java.util.ArrayList<Protocol>();
            for (String name : o.protocols()) {
                boolean next = name.equals("next");
                warm(client, o.clients(), pid, name, "warmup-again-" + name + "-" + stamp, again, o.warmupExperiment());
                Load.Driver driver = driver(name, client.launch(spec("throughput-" + name + "-" + stamp, o.trials())));
                // One phase over the whole experiment, its windows taken from when each trial finished:
                // the clients never stop between them, so the last 1,000 has no ramp-up or drain of its own.
                var counted = o.commits() ? server : null;
                GroupCommits before = GroupCommits.read(counted);
                Load.Phase whole = Load.run(o.clients(), o.trials(), pid, driver);
                GroupCommits after = GroupCommits.read(counted);
                results.add(new Protocol(next ? "tell with next (1 request per trial)" : "classic ask + tell (2 requests per trial)",
                        next ? 1 : 2, next ? 25 : 10, whole, whole.window(0, 1000), whole.window(o.trials() - 1000, o.trials()),
                        GroupCommits.perCommit(before, after), GroupCommits.perSync(before, after)));
            }
            Load.Phase floorPhase = Load.run(o.clients(), 10_000, pid, Load.floor(client));
            Load.Window floor = floorPhase.all();

            System.out.println();
            System.out.println("| trials in the experiment | round trips/s | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|---:|");
            for (Protocol p : results) {
                row(p.label() + ", 1 – 1,000", p.first());
                row(String.format(Locale.ROOT, "%s, %,d – %,d", p.label(), o.trials() - 999, o.trials()), p.last());
            }
            row("HTTP floor: GET /api/session, no work (requests/s)", floor);
            if (o.timeline()) {
                System.out.println();
                for (Protocol p : results) {
                    timeline(p.label() + ", 1 – 1,000", p.first());
                    timeline(String.format(Locale.ROOT, "%s, %,d – %,d", p.label(), o.trials() - 999, o.trials()), p.last());
                }
            }
            if (!Double.isNaN(optuna)) {
                System.out.printf(Locale.ROOT, "| Optuna 3.1 journal file, 1 – 1,000 (one process, sequential) | %.0f | | |%n", optuna);
            }
            System.out.println();
            for (Protocol p : results) {
                // Without Optuna's runs (--optuna-runs 0) there is no anchor, and no ratio to print.
                String ratios = Double.isNaN(optuna) ? "Optuna not run, so no ratio to its journal"
                        : String.format(Locale.ROOT, "%.1f× / %.1f× Optuna's journal (first / last 1,000; target ≥ %d×)",
                                p.first().rate() / optuna, p.last().rate() / optuna, p.target());
                System.out.printf(Locale.ROOT, "%s: %s; p99 at %,d trials is %.2f× the p99 at 1,000 (target ≤ %.0f×)%n", p.label(), ratios,
                        o.trials(), p.last().p99() / p.first().p99(), P99_GROWTH_TARGET);
                if (!Double.isNaN(optunaInMemory)) {
                    System.out.printf(Locale.ROOT, "%s: %.1f× / %.1f× Optuna's journal on /dev/shm, where its fsyncs cost nothing "
                            + "(not the target's anchor)%n", p.label(), p.first().rate() / optunaInMemory, p.last().rate() / optunaInMemory);
                }
                System.out.printf(Locale.ROOT, "%s: %.0f / %.0f requests/s, %.0f%% / %.0f%% of the HTTP floor's %.0f; CPU per trial over "
                                + "all %,d: server %.0f µs, clients %.0f µs%n", p.label(), p.first().rate() * p.requests(),
                        p.last().rate() * p.requests(), 100 * p.first().rate() * p.requests() / floor.rate(),
                        100 * p.last().rate() * p.requests() / floor.rate(), floor.rate(), o.trials(), p.serverCpu(), p.clientCpu());
            }
            System.out.printf(Locale.ROOT, "HTTP floor: CPU per request: server %.0f µs, clients %.0f µs%n",
                    floorPhase.serverCpuMicros(), floorPhase.clientCpuMicros());
            // Whether the cores were the limit: a share of idle time means the trials waited on
            // something other than a processor (a hand-off between threads, the storage writer).
            for (Protocol p : results) {
                cores(String.format(Locale.ROOT, "%s, all %,d trials", p.label(), o.trials()), p.whole().cores());
            }
            cores("HTTP floor", floorPhase.cores());
            // The clients' JVM is still compiling for a while after the warm-up: its JIT threads' share, apart.
            for (Protocol p : results) {
                System.out.printf(Locale.ROOT, "%s: clients' CPU per trial apart from JIT compilation %.0f µs (JIT %.0f µs)%n",
                        p.label(), p.clientCpu() - p.clientJit(), p.clientJit());
            }
            System.out.printf(Locale.ROOT, "HTTP floor: clients' CPU per request apart from JIT compilation %.0f µs (JIT %.0f µs)%n",
                    floorPhase.clientCpuMicros() - floorPhase.clientJitMicros(), floorPhase.clientJitMicros());
            if (server != null) { // the server's JIT threads are read from its /proc, so only for a server started here
                for (Protocol p : results) {
                    System.out.printf(Locale.ROOT, "%s: server's CPU per trial apart from JIT compilation %.0f µs (JIT %.0f µs; "
                            + "of it the storage writer thread %.0f µs)%n", p.label(), p.serverCpu() - p.serverJit(), p.serverJit(),
                            p.serverWriter());
                }
                System.out.printf(Locale.ROOT, "HTTP floor: server's CPU per request apart from JIT compilation %.0f µs (JIT %.0f µs)%n",
                        floorPhase.serverCpuMicros() - floorPhase.serverJitMicros(), floorPhase.serverJitMicros());
                // How many writes shared each of the storage writer's commits: a commit costs far
                // more than a write, so the writer's CPU per trial falls as its groups grow.
                for (Protocol p : o.commits() ? results : List.<Protocol>of()) {
                    System.out.printf(Locale.ROOT, "%s: writes per group commit over all %,d trials: %.1f%s%n",
                            p.label(), o.trials(), p.writesPerCommit(), p.commitsPerSync() > 0
                                    ? String.format(Locale.ROOT, "; group commits per fsync %.2f", p.commitsPerSync()) : "");
                }
            }
            return new Repetition(optuna, results.stream().map(p -> new Figures(p.label(), p.target(), p.first().rate(), p.last().rate(),
                    p.last().p99() / p.first().p99(), p.serverCpu() - p.serverJit(), p.clientCpu() - p.clientJit())).toList(), floor.rate());
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** One protocol's figures in one repetition: its windows' rates, the p99 growth, and CPU µs per trial apart from JIT (NaN if unknown). */
    record Figures(String label, int target, double firstRate, double lastRate, double p99Growth, double serverCpu, double clientCpu) {
    }

    /** One whole run's figures: Optuna's median rate (NaN without its runs), each protocol's, and the HTTP floor's requests/s. */
    record Repetition(double optuna, List<Figures> protocols, double floor) {
    }

    /**
     * The figures of {@code --repeat N} whole runs side by side: for each, every repetition's value
     * in turn, their median, and how many repetitions met its target. On a shared machine one run's
     * ratio moves with what else ran in its minute (the same build gave 17.7× and 34.2× on one day);
     * a median of whole runs says what a run typically gives, and the count how often it meets the
     * target. Each repetition's own output, above the summary, shows every figure this one is made of.
     */
    static String summary(List<Repetition> repetitions, int trials) {
        int n = repetitions.size();
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Over %d repetitions, each a whole run (its own Optuna runs, a fresh server and its warm-up): "
                + "each repetition's figure in turn, their median, and how many repetitions met the target%n%n", n));
        out.append("| figure | target | each repetition | median | repetitions meeting the target |\n");
        out.append("|---|---|---|---:|---|\n");
        List<Double> optuna = repetitions.stream().map(Repetition::optuna).toList();
        boolean anchored = optuna.stream().noneMatch(r -> Double.isNaN(r));
        if (anchored) {
            out.append(summaryRow("Optuna 3.1 journal file, trials/s (median of its runs in each repetition)", "", optuna, "%.0f", null));
        }
        String last = String.format(Locale.ROOT, "%,d – %,d", trials - 999, trials);
        for (int i = 0; i < repetitions.get(0).protocols().size(); i++) {
            int p = i;
            List<Figures> each = repetitions.stream().map(r -> r.protocols().get(p)).toList();
            Figures first = each.get(0);
            double target = first.target();
            if (anchored) {
                List<Double> firstRatio = new java.util.ArrayList<>();
                List<Double> lastRatio = new java.util.ArrayList<>();
                int both = 0;
                for (int k = 0; k < n; k++) {
                    firstRatio.add(each.get(k).firstRate() / optuna.get(k));
                    lastRatio.add(each.get(k).lastRate() / optuna.get(k));
                    both += firstRatio.get(k) >= target && lastRatio.get(k) >= target ? 1 : 0;
                }
                String goal = String.format(Locale.ROOT, "≥ %d×", first.target());
                out.append(summaryRow(first.label() + ", 1 – 1,000: × Optuna's journal", goal, firstRatio, "%.1f×", r -> r >= target));
                out.append(summaryRow(first.label() + ", " + last + ": × Optuna's journal", goal, lastRatio, "%.1f×", r -> r >= target));
                out.append(String.format(Locale.ROOT, "| %s, both windows | %s | | | %d of %d |%n", first.label(), goal, both, n));
            }
            out.append(summaryRow(first.label() + ", 1 – 1,000: round trips/s", "", each.stream().map(Figures::firstRate).toList(), "%.0f", null));
            out.append(summaryRow(first.label() + ", " + last + ": round trips/s", "", each.stream().map(Figures::lastRate).toList(), "%.0f", null));
            out.append(summaryRow(String.format(Locale.ROOT, "%s: p99 at %,d trials ÷ p99 at 1,000", first.label(), trials),
                    String.format(Locale.ROOT, "≤ %.0f×", P99_GROWTH_TARGET), each.stream().map(Figures::p99Growth).toList(), "%.2f×",
                    r -> r <= P99_GROWTH_TARGET));
            List<Double> server = each.stream().map(Figures::serverCpu).toList();
            if (server.stream().noneMatch(c -> Double.isNaN(c))) {
                out.append(summaryRow(first.label() + ": server's CPU µs per trial apart from JIT", "", server, "%.0f", null));
            }
            out.append(summaryRow(first.label() + ": clients' CPU µs per trial apart from JIT", "", each.stream().map(Figures::clientCpu).toList(),
                    "%.0f", null));
        }
        out.append(summaryRow("HTTP floor: GET /api/session, no work (requests/s)", "", repetitions.stream().map(Repetition::floor).toList(),
                "%.0f", null));
        return out.toString();
    }

    /** A row of the summary: each value, their median, and with a target how many met it. */
    private static String summaryRow(String figure, String target, List<Double> values, String format,
                                     java.util.function.DoublePredicate meets) {
        String each = String.join(" ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
        String count = meets == null ? "" : String.format(Locale.ROOT, "%d of %d", values.stream().filter(v -> meets.test(v)).count(), values.size());
        double median = Medians.of(values);
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", figure, target, each, String.format(Locale.ROOT, format, median), count);
    }

    /** The command line, checked before anything runs. */
    record Options(int clients, int trials, String url, String durability, int optunaRuns, List<String> protocols, int warmup,
                   int warmupExperiment, List<String> serverJvm, boolean timeline, boolean commits, int repeat) {
        static Options parse(String[] args) {
            int clients = 16;
            int trials = 10_000;
            String url = null;
            String durability = "process";
            int optunaRuns = 3;
            List<String> protocols = List.of("classic", "next");
            int warmup = 3000;
            int warmupExperiment = WARMUP_EXPERIMENT;
            var serverJvm = new java.util.ArrayList<String>();
            boolean timeline = false;
            boolean commits = false;
            int repeat = 1;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--clients" -> clients = whole(args, ++i);
                    case "--trials" -> trials = whole(args, ++i);
                    case "--server" -> url = value(args, ++i);
                    case "--durability" -> durability = value(args, ++i);
                    case "--optuna-runs" -> optunaRuns = whole(args, ++i);
                    case "--protocols" -> protocols = List.of(value(args, ++i).split(","));
                    case "--warmup" -> warmup = whole(args, ++i);
                    case "--warmup-experiment" -> warmupExperiment = whole(args, ++i);
                    case "--server-jvm" -> serverJvm.add(value(args, ++i));
                    case "--timeline" -> timeline = true;
                    case "--commits" -> commits = true;
                    case "--repeat" -> repeat = whole(args, ++i);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --clients N --trials N "
                            + "--server URL --durability process|fsync --optuna-runs N --protocols classic,next --warmup N --warmup-experiment N --server-jvm OPTION "
                            + "--timeline --commits --repeat N");
                }
            }
            if (trials < 2000) {
                throw new IllegalArgumentException("--trials must be at least 2000, got " + trials);
            }
            if (warmup < 100) {
                throw new IllegalArgumentException("--warmup must be at least 100 trials per protocol, got " + warmup);
            }
            if (warmupExperiment != 0 && warmupExperiment < 100) {
                throw new IllegalArgumentException("--warmup-experiment must be 0 (each part of the warm-up one experiment) or at least 100 "
                        + "trials per warm-up experiment, got " + warmupExperiment);
            }
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be at least 1 (whole runs, each with its own Optuna runs and a fresh "
                        + "server), got " + repeat);
            }
            for (String name : protocols) {
                if (!name.equals("classic") && !name.equals("next")) {
                    // Anything else would run, and be labelled, as the classic protocol.
                    throw new IllegalArgumentException("--protocols takes classic, next or both (classic,next), got " + name);
                }
            }
            return new Options(clients, trials, url, durability, optunaRuns, protocols, warmup, warmupExperiment, List.copyOf(serverJvm),
                    timeline, commits, repeat);
        }

        /** The value after option {@code args[i - 1]}; a missing one is refused naming the option. */
        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value after it");
            }
            return args[i];
        }

        /** {@link #value} as a whole number ({@link Args#wholeNumber}). */
        private static int whole(String[] args, int i) {
            return Args.wholeNumber(args[i - 1], value(args, i));
        }
    }

    private static void cores(String label, Load.Cores cores) {
        System.out.printf(Locale.ROOT, "%s: the machine's %d cores busy %.0f%%, idle %.0f%%, taken by the hypervisor %.0f%% (/proc/stat, "
                + "whatever ran)%n", label, Runtime.getRuntime().availableProcessors(), 100 * cores.busy(), 100 * cores.idle(), 100 * cores.steal());
    }

    /**
     * {@code trials} trials of protocol {@code name} as consecutive experiments of at most {@code
     * perExperiment} trials each (named {@code prefix-1}, {@code prefix-2}, …), or as one experiment
     * when {@code perExperiment} is 0.
     */
    private static void warm(TunelabClient client, int clients, long pid, String name, String prefix, int trials, int perExperiment)
            throws Exception {
        int k = 0;
        for (int count : experimentSizes(trials, perExperiment)) {
            Load.run(clients, count, pid, driver(name, client.launch(spec(prefix + "-" + ++k, count))));
        }
    }

    /** The sizes of consecutive experiments of at most {@code perExperiment} trials (0: one) that make {@code trials} trials. */
    static List<Integer> experimentSizes(int trials, int perExperiment) {
        int size = perExperiment == 0 ? trials : perExperiment;
        var sizes = new java.util.ArrayList<Integer>();
        for (int done = 0; done < trials; done += size) {
            sizes.add(Math.min(size, trials - done));
        }
        return sizes;
    }

    /** The driver of protocol {@code name} ({@code classic} or {@code next}) on experiment {@code exp}. */
    private static Load.Driver driver(String name, ExperimentHandle exp) {
        return name.equals("next") ? Load.tellWithNext(exp) : Load.classic(exp);
    }

    /** One protocol's figures: its first and last 1,000 trials, and the CPU per trial over the whole experiment. */
    private record Protocol(String label, int requests, int target, Load.Phase whole, Load.Window first, Load.Window last,
                            double writesPerCommit, double commitsPerSync) {
        double serverCpu() {
            return whole.serverCpuMicros();
        }

        double clientCpu() {
            return whole.clientCpuMicros();
        }

        double clientJit() {
            return whole.clientJitMicros();
        }

        double serverJit() {
            return whole.serverJitMicros();
        }

        double serverWriter() {
            return whole.serverWriterMicros();
        }
    }

    /** The server's group commits so far, the writes they carried and the fsyncs that covered them, from its {@code /metrics}. */
    private record GroupCommits(double commits, double writes, double syncs) {
        private static final java.util.regex.Pattern SAMPLE =
                java.util.regex.Pattern.compile("^tunelab_storage_(commits|commit_writes|syncs)_total (\\S+)$", java.util.regex.Pattern.MULTILINE);

        /**
         * The counts of a server started here; none (NaN) without one (null: a server given by URL,
         * whose token may not read metrics, or counts not asked for). Read over a plain socket: a first request through {@code java.net.http}
         * in this JVM right before classic's window doubled the clients' CPU per trial in it (four
         * alternated runs), its classes disturbing what the JIT had compiled for the SDK's calls.
         */
        static GroupCommits read(TunelabProcesses.ServerProcess server) throws Exception {
            if (server == null) {
                return new GroupCommits(Double.NaN, Double.NaN, Double.NaN);
            }
            var uri = java.net.URI.create(server.url());
            String body;
            try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                        + "\r\nAuthorization: Bearer " + server.adminToken() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                body = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            double commits = Double.NaN;
            double writes = Double.NaN;
            double syncs = Double.NaN;
            var m = SAMPLE.matcher(body);
            while (m.find()) {
                double value = Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "commits" -> commits = value;
                    case "commit_writes" -> writes = value;
                    default -> syncs = value;
                }
            }
            return new GroupCommits(commits, writes, syncs);
        }

        /** The mean writes per commit between two reads. */
        static double perCommit(GroupCommits from, GroupCommits to) {
            return (to.writes - from.writes) / (to.commits - from.commits);
        }

        /** The mean group commits per fsync between two reads: 0 where there were none ({@code --durability process}). */
        static double perSync(GroupCommits from, GroupCommits to) {
            double syncs = to.syncs - from.syncs;
            return syncs > 0 ? (to.commits - from.commits) / syncs : 0;
        }
    }

    /**
     * What a server's JVM does with its module's shared class archive, from its command line
     * ({@code arguments}, null when the system does not tell): a server that maps none loads every
     * class from the jars, starts with a small metaspace and collects differently for its first
     * seconds, which confounds a comparison of two builds when only one has an archive.
     */
    static String classArchive(List<String> arguments) {
        if (arguments == null) {
            return "class archive: unknown (the system does not show the server's command line)";
        }
        for (String a : arguments) {
            if (a.startsWith("-XX:SharedArchiveFile=")) {
                Path archive = Path.of(a.substring("-XX:SharedArchiveFile=".length()));
                return Files.isRegularFile(archive) ? "maps the class archive " + archive.getFileName()
                        : "names the class archive " + archive.getFileName() + ", which is not there: it runs without one";
            }
        }
        return arguments.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="))
                ? "has no class archive yet: it runs without one and writes one as it exits"
                : "has no class archive, and its added JVM options keep it from writing one";
    }

    private static void timeline(String label, Load.Window p) {
        System.out.println(label + ": ms per 100 trials in turn: " + String.join(" ",
                p.timeline().stream().map(ms -> String.format(Locale.ROOT, "%.0f", ms)).toList()));
    }

    private static void row(String label, Load.Window p) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f |%n", label, p.rate(), p.p50(), p.p99());
    }

    /** The measured experiments: three params of three kinds, the same as Optuna's, random strategy. */
    private static ExperimentSpec spec(String name, int trials) {
        return ExperimentSpec.builder(name).minimize("loss")
                .param("lr", FloatParam.log(1e-5, 1))
                .param("units", IntParam.of(8, 512))
                .param("optimizer", CategoricalParam.of("adam", "sgd", "rmsprop"))
                .strategy(new StrategySpec("random", 1L, Map.of())).budget(new Budget(trials, null, null)).build();
    }
}
