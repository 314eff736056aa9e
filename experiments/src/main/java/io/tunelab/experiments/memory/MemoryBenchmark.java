package io.tunelab.experiments.memory;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TellReply;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.throwaway.PostgresCluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server serving many experiments' trials under {@code -Xmx1g}, on H2 and on PostgreSQL.
 * Fills {@code --experiments} experiments of {@code --trials-per-experiment} trials each through
 * the real server (SDK clients, each trial one tell that brings the next), copies that database
 * to a throwaway PostgreSQL with the server's own {@code tunelab db copy}, then on each database
 * starts a server with {@code -Xmx1g} and reads the catalog and, of random experiments, the first
 * page of trials, a deep page sorted by value and the leaderboard's first page. Prints the heap
 * used after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), the process's RSS, the
 * experiments the server holds in memory ({@code tunelab_experiments_loaded}) and the p50/p99 of
 * each kind of read (loopback round trips, an upper bound of the server-side time). Then it stops
 * that server cleanly, starts it again and times the catalog's first read after the restart.
 *
 * <p>Usage: {@code java -cp … MemoryBenchmark [--experiments 1000] [--trials-per-experiment 1000]
 * [--clients 16] [--reads 300] [--no-postgres] [--data-dir DIR]}: with {@code --data-dir}, the embedded
 * database is kept in DIR and filled only when DIR holds none yet (its sizes must then match).
 */
public final class MemoryBenchmark {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern LOADED = Pattern.compile("(?m)^tunelab_experiments_loaded\\S* (\\S+)$");

    private MemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int experiments = 1000;
        int trials = 1000;
        int clients = 16;
        int reads = 300;
        boolean postgres = true;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--experiments" -> experiments = Integer.parseInt(args[++i]);
                case "--trials-per-experiment" -> trials = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--reads" -> reads = Integer.parseInt(args[++i]);
                case "--no-postgres" -> postgres = false;
                case "--data-dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --experiments N --trials-per-experiment N --clients N --reads N --no-postgres --data-dir DIR");
            }
        }
        dir = dir != null ? dir : Scratch.directory("tunelab-memory");
        Path data = dir.resolve("h2");
        String token;
        try (var server = TunelabProcesses.startServer(data, 0, List.of("-Xmx1g"))) {
            token = server.adminToken() != null ? server.adminToken() : Files.readString(data.resolve("admin.token")).strip();
            if (Files.exists(dir.resolve("filled"))) {
                System.out.println("the database in " + data + " is filled already: " + Files.readString(dir.resolve("filled")).strip());
            } else {
                long t0 = System.nanoTime();
                fill(server, experiments, trials, clients);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String filled = String.format(Locale.ROOT, "%,d experiments x %,d trials = %,d trials in %.0f s (%.0f trials/s), load %s",
                        experiments, trials, (long) experiments * trials, seconds, experiments * (double) trials / seconds, load());
                Files.writeString(dir.resolve("filled"), filled);
                System.out.println("filled " + filled);
            }
        }
        System.out.println();
        System.out.println("| database, " + String.format(Locale.ROOT, "%,d x %,d trials", experiments, trials)
                + " | when | heap used after GC MB | RSS MB | experiments loaded | load |");
        System.out.println("|---|---|---:|---:|---:|---|");
        var latencies = new ArrayList<String>();
        try (var server = TunelabProcesses.startServer(data, 0, List.of("-Xmx1g"))) {
            latencies.addAll(measure("H2", server, token, experiments, trials, reads));
        }
        try (var server = TunelabProcesses.startServer(data, 0, List.of("-Xmx1g"))) {
            latencies.addAll(restarted("H2", server, token));
        }
        if (postgres) {
            try (var pg = PostgresCluster.start(PostgresCluster.Options.team(false, false))) {
                String url = pg.createDatabase("memory");
                copy(data, url, pg, dir.resolve("copy.log"));
                List<String> db = List.of("--db", url, "--db-user", PostgresCluster.USER, "--db-password-file", pg.passwordFile().toString());
                try (var server = TunelabProcesses.startServer(dir.resolve("pg"), 0, List.of("-Xmx1g"), db.toArray(String[]::new))) {
                    latencies.addAll(measure("PostgreSQL", server, token, experiments, trials, reads));
                }
                try (var server = TunelabProcesses.startServer(dir.resolve("pg"), 0, List.of("-Xmx1g"), db.toArray(String[]::new))) {
                    latencies.addAll(restarted("PostgreSQL", server, token));
                }
            }
        }
        System.out.println();
        System.out.println("| database | read | p50 ms | p99 ms | n |");
        System.out.println("|---|---|---:|---:|---:|");
        latencies.forEach(System.out::println);
    }

    /** Fills through the server: {@code clients} SDK threads take experiments in turn and run each to its budget. */
    private static void fill(TunelabProcesses.ServerProcess server, int experiments, int trials, int clients) throws Exception {
        var names = new ConcurrentLinkedQueue<String>();
        try (TunelabClient admin = server.client()) {
            for (int e = 0; e < experiments; e++) {
                String name = String.format(Locale.ROOT, "memory-%04d", e);
                admin.launch(ExperimentSpec.builder(name).minimize("loss").param("lr", FloatParam.log(1e-5, 1))
                        .param("units", IntParam.of(8, 512)).strategy(new StrategySpec("random", (long) e, Map.of()))
                        .budget(new Budget(trials, null, null)).build());
                names.add(name);
            }
        }
        var threads = new ArrayList<Thread>();
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (TunelabClient client = server.client()) {
                    String name;
                    while ((name = names.poll()) != null && failure.get() == null) {
                        ExperimentHandle exp = client.experiment(name);
                        TrialProposal t = exp.ask();
                        while (t != null) {
                            TellReply reply = exp.tellThenAsk(t.id(), ((Number) t.params().get("lr")).doubleValue());
                            t = reply.next();
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling failed: " + failure.get().getMessage(), failure.get());
        }
    }

    /** Copies the (stopped) embedded database to PostgreSQL with the server's own {@code tunelab db copy}. */
    private static void copy(Path data, String url, PostgresCluster pg, Path log) throws Exception {
        long t0 = System.nanoTime();
        Process p = TunelabProcesses.server().processBuilder(List.of("db", "copy", "--from", data.toString(), "--to", url,
                "--to-user", PostgresCluster.USER, "--to-password-file", pg.passwordFile().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("tunelab db copy failed; its output is in " + log + ":\n" + Files.readString(log));
        }
        System.out.printf(Locale.ROOT, "copied to PostgreSQL with tunelab db copy in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Reads and prints memory after the start, after the catalog and after the pages; answers the latency rows. */
    private static List<String> measure(String database, TunelabProcesses.ServerProcess server, String token, int experiments,
                                        int trials, int reads) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = server.url() + "/api/experiments";
        memory(database, "after start", server, http, token);
        double[] catalog = new double[11];
        for (int i = 0; i < catalog.length; i++) {
            catalog[i] = get(http, base, token);
        }
        System.out.printf(Locale.ROOT, "%s: first catalog read after the start %.1f ms, load %s%n", database, catalog[0], load());
        memory(database, "after the catalog", server, http, token);
        var random = new Random(42);
        double[] first = new double[reads];
        double[] deep = new double[reads];
        double[] board = new double[reads];
        for (int i = 0; i < reads; i++) {
            String ref = base + String.format(Locale.ROOT, "/memory-%04d", random.nextInt(experiments));
            first[i] = get(http, ref + "/trials?limit=100", token);
            deep[i] = get(http, ref + "/trials?limit=100&sort=value&offset=" + Math.max(0, trials - 100), token);
            board[i] = get(http, ref + "/leaderboard?limit=50", token);
        }
        memory(database, "after " + reads + " x 3 pages of random experiments", server, http, token);
        return List.of(row(database, "catalog, first after start", new double[]{catalog[0]}),
                row(database, "catalog, next 10", Arrays.copyOfRange(catalog, 1, catalog.length)),
                row(database, "first page of 100 trials", first),
                row(database, "deep page of 100, sorted by value", deep),
                row(database, "leaderboard, first 50", board));
    }

    /**
     * The catalog read at once after a restart that followed a clean stop (which stored every
     * experiment's summary), then 10 more; answers the latency rows.
     */
    private static List<String> restarted(String database, TunelabProcesses.ServerProcess server, String token) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        memory(database, "after a restart", server, http, token); // as after the first start: the same pause before the read
        double[] catalog = new double[11];
        for (int i = 0; i < catalog.length; i++) {
            catalog[i] = get(http, server.url() + "/api/experiments", token);
        }
        memory(database, "after the catalog, after a restart", server, http, token);
        System.out.printf(Locale.ROOT, "%s: first catalog read after a restart %.1f ms, load %s%n", database, catalog[0], load());
        return List.of(row(database, "catalog, first after a restart", new double[]{catalog[0]}),
                row(database, "catalog, next 10 after a restart", Arrays.copyOfRange(catalog, 1, catalog.length)));
    }

    private static String row(String database, String read, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %d |", database, read, sorted[sorted.length / 2],
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)], sorted.length);
    }

    /** Milliseconds of one GET; fails on any status but 200. */
    private static double get(HttpClient http, String url, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    private static void memory(String database, String when, TunelabProcesses.ServerProcess server, HttpClient http, String token)
            throws Exception {
        long pid = server.process().pid();
        jcmd(pid, "GC.run");
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        double heapMb = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
        double rssMb = Double.NaN;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rssMb = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        var metrics = HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).header("Authorization", "Bearer " + token).build();
        Matcher loaded = LOADED.matcher(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %s | %s |%n", database, when, heapMb, rssMb,
                loaded.find() ? loaded.group(1).replaceAll("\\.0$", "") : "?", load());
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        Process p = new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** The machine's load averages over 1, 5 and 15 minutes. */
    private static String load() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }
}
