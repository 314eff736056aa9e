package io.tunelab.experiments.startup;

import io.tunelab.api.Specs;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How long a user waits, measured on this machine with real processes: (1) a server's cold start
 * (a new JVM on a new data directory) until {@code GET /health} answers 200; (2) a 2-slot worker's
 * start until the server shows its first leased trial of the digits-mlp sweep; (3) {@code ./tunelab
 * demo --exit} from the command to its exit (60 digits trials with a 2-slot worker, the build
 * already done), with the peak resident memory ({@code VmHWM}) of the demo's worker process.
 *
 * <p>Usage: {@code java -cp … TimeToFirstResult [--skip-demo] [--slots 2]}; run from the
 * repository (it finds {@code ./tunelab} above the working directory) after {@code ./tunelab build}.
 */
public final class TimeToFirstResult {
    private TimeToFirstResult() {
    }

    public static void main(String[] args) throws Exception {
        boolean demo = true;
        int slots = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--skip-demo" -> demo = false;
                case "--slots" -> slots = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --skip-demo --slots N");
            }
        }
        System.out.printf(Locale.ROOT, "%d cores, load average %.1f at the start (other work on the machine slows every figure)%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        Path scratch = Scratch.directory("tunelab-first-result");
        long start = System.nanoTime();
        try (var server = TunelabProcesses.startServer(scratch.resolve("data"))) {
            awaitHealthy(server.url());
            double coldStart = seconds(start);
            System.out.printf(Locale.ROOT, "server cold start to a healthy /health: %.2f s%n", coldStart);
            try (TunelabClient client = server.client()) {
                ExperimentHandle exp = client.launch(Specs.load(TunelabProcesses.home().resolve("experiments/sweeps/digits-mlp.yaml")));
                long workerStart = System.nanoTime();
                try (var worker = TunelabProcesses.startWorker(server, slots, scratch.resolve("worker.log"))) {
                    awaitFirstLease(exp, worker.process());
                    System.out.printf(Locale.ROOT, "worker start (%d slots) to its first leased trial: %.2f s%n", slots, seconds(workerStart));
                }
            }
        }
        if (demo) {
            runDemo(scratch, slots);
        }
    }

    private static void awaitHealthy(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(5)).build();
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); System.nanoTime() < deadline; Thread.sleep(5)) {
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
        }
        throw new IllegalStateException("the server at " + url + " was not healthy within 120 s");
    }

    private static void awaitFirstLease(ExperimentHandle exp, Process worker) throws InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300); System.nanoTime() < deadline; Thread.sleep(20)) {
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker exited with " + worker.exitValue() + " before leasing a trial");
            }
            List<Trial> trials = exp.trials();
            if (trials.stream().anyMatch(t -> t.state() != TrialState.WAITING)) {
                return;
            }
        }
        throw new IllegalStateException("the worker leased no trial within 300 s");
    }

    /** {@code ./tunelab demo --exit} end to end, sampling its worker's peak RSS until it exits. */
    private static void runDemo(Path scratch, int slots) throws Exception {
        Path log = scratch.resolve("demo.log");
        Path home = TunelabProcesses.home();
        long start = System.nanoTime();
        Process demo = new ProcessBuilder(home.resolve("tunelab").toString(), "demo", "--port", "0", "--exit", "--slots",
                Integer.toString(slots), "--data-dir", scratch.resolve("demo-data").toString())
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long peakWorkerKb = 0;
        while (!demo.waitFor(500, TimeUnit.MILLISECONDS)) {
            for (ProcessHandle p : demo.descendants().toList()) {
                if (p.info().arguments().map(a -> List.of(a).contains("io.tunelab.worker.Main")).orElse(false)) {
                    peakWorkerKb = Math.max(peakWorkerKb, peakRssKb(p.pid()));
                }
            }
        }
        double total = seconds(start);
        if (demo.exitValue() != 0) {
            throw new IllegalStateException("./tunelab demo exited with " + demo.exitValue() + "; its output is in " + log);
        }
        String best = Files.readAllLines(log).stream().filter(l -> l.contains("best") || l.startsWith("#")).reduce((a, b) -> b).orElse("");
        System.out.printf(Locale.ROOT, "./tunelab demo --exit --slots %d end to end: %.0f s (target ≤ 300 s); last line with the best: %s%n",
                slots, total, best.strip());
        System.out.printf(Locale.ROOT, "peak resident memory of the demo's %d-slot worker over the 60-trial digits sweep: %d MB (target ≤ 1,536 MB)%n",
                slots, peakWorkerKb / 1024);
    }

    /** {@code VmHWM} of a process in kB: the kernel's record of its peak resident memory; 0 once it is gone. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return 0;
        }
        return 0;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
