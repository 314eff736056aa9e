package io.tunelab.experiments.throughput;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Durable ask+tell throughput: N concurrent SDK clients run ask → tell round trips against a
 * real server process on H2 (started here unless {@code --server URL} is given), in one
 * experiment with the {@code random} strategy, and the program prints round trips per second
 * and the round trip's p50/p99 latency over the first 1,000 trials and over trials
 * 9,001–10,000.
 *
 * <p>Usage: {@code java -cp … ThroughputBenchmark [--clients 8] [--trials 10000] [--server URL]
 * [--durability process|fsync]}; the durability goes to the server the program starts.
 */
public final class ThroughputBenchmark {
    private ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 8;
        int trials = 10_000;
        String url = null;
        String durability = "process";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--server" -> url = args[++i];
                case "--durability" -> durability = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --clients N --trials N --server URL --durability process|fsync");
            }
        }
        if (trials < 1000) {
            throw new IllegalArgumentException("--trials must be at least 1000, got " + trials);
        }
        TunelabProcesses.ServerProcess server = null;
        Path data = null;
        if (url == null) {
            data = Files.createTempDirectory("tunelab-throughput");
            server = TunelabProcesses.startServer(data.resolve("data"), "--durability", durability);
            url = server.url();
        }
        try (TunelabClient client = server != null ? server.client() : TunelabClient.connect(url, System.getenv("TUNELAB_TOKEN"))) {
            ExperimentHandle exp = client.launch(spec("throughput-" + System.currentTimeMillis(), trials));
            System.out.printf(Locale.ROOT, "Tunelab ask+tell throughput: %d clients, %d trials, random strategy, server %s (H2, "
                    + "every reply after its commit, durability %s)%n", clients, trials, url, server == null ? "as the server was started" : durability);
            // Warm the JIT of both processes (5,000 round trips on a separate experiment) so the figures are steady state.
            runPhase(client, client.launch(spec("throughput-warmup-" + System.currentTimeMillis(), 5000)), clients, 5000);
            long serverCpu0 = cpuNanos(server);
            long clientCpu0 = cpuNanos(ProcessHandle.current());
            Phase first = runPhase(client, exp, clients, 1000);
            runPhase(client, exp, clients, trials - 2000);
            Phase last = runPhase(client, exp, clients, 1000);
            double serverCpu = (cpuNanos(server) - serverCpu0) / 1e3 / trials;
            double clientCpu = (cpuNanos(ProcessHandle.current()) - clientCpu0) / 1e3 / trials;
            System.out.println();
            System.out.println("| trials in the experiment | round trips/s | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| 1 – 1,000 | %.0f | %.2f | %.2f |%n", first.rate(), first.p50(), first.p99());
            System.out.printf(Locale.ROOT, "| %,d – %,d | %.0f | %.2f | %.2f |%n", trials - 999, trials, last.rate(), last.p50(), last.p99());
            System.out.printf(Locale.ROOT, "p99 ratio (last 1,000 / first 1,000): %.2f%n", last.p99() / first.p99());
            if (serverCpu > 0) {
                System.out.printf(Locale.ROOT, "CPU per round trip: server %.0f µs, clients %.0f µs (2 cores give at most %.0f round trips/s)%n",
                        serverCpu, clientCpu, 2e6 / (serverCpu + clientCpu));
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** CPU time a process has used, or 0 when it is not known (a server given by URL). */
    private static long cpuNanos(TunelabProcesses.ServerProcess server) {
        return server == null ? 0 : cpuNanos(server.process().toHandle());
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** The measured experiment, and the warm-up one: three params of three kinds, random strategy. */
    private static ExperimentSpec spec(String name, int trials) {
        return ExperimentSpec.builder(name).minimize("loss")
                .param("lr", FloatParam.log(1e-5, 1))
                .param("units", IntParam.of(8, 512))
                .param("optimizer", CategoricalParam.of("adam", "sgd", "rmsprop"))
                .strategy(new StrategySpec("random", 1L, Map.of())).budget(new Budget(trials, null, null)).build();
    }

    record Phase(double rate, double p50, double p99) {
    }

    private static Phase runPhase(TunelabClient client, ExperimentHandle exp, int clients, int count) throws InterruptedException {
        var remaining = new AtomicInteger(count);
        var latencies = new long[count];
        var index = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (remaining.getAndDecrement() > 0) {
                    long t0 = System.nanoTime();
                    TrialProposal t = exp.ask();
                    double first = ((Number) t.params().values().iterator().next()).doubleValue();
                    exp.tell(t.id(), Math.abs(Math.log10(first) + 3));
                    latencies[index.getAndIncrement()] = System.nanoTime() - t0;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, index.get());
        Arrays.sort(sorted);
        return new Phase(count / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static double percentile(long[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
