package io.tunelab.experiments.team;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.JvmCommand;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.throwaway.PostgresCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Tunelab phase of {@link TeamBenchmark}: {@code clients} SDK threads split evenly over
 * {@code coordinators} server processes (started from {@code server}, another build's jar if need
 * be) on a fresh database of the throwaway PostgreSQL, ask → evaluate → tell in one experiment;
 * after {@code warmupSeconds} it counts the round trips of {@code seconds} and reads what they cost:
 * the servers' CPU from {@code /proc}, the transactions PostgreSQL committed, what its client
 * backends waited on (sampled four times a second), and with {@code pg_stat_statements} loaded
 * the statements they ran.
 */
final class CoordinatorPhase {
    /** Clock ticks per second of {@code /proc/PID/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100;

    /** What a phase measured; {@code cpuMillis} is the servers' CPU over the counted period, -1 when unreadable. */
    record Figures(String label, long roundTrips, int seconds, double cpuMillis, long commits, String load, String waits,
                   String statements) {
        double rate() {
            return roundTrips / (double) seconds;
        }
    }

    private CoordinatorPhase() {
    }

    static Figures run(PostgresCluster pg, Path dir, String label, JvmCommand server, int coordinators, int clients,
                       int warmupSeconds, int seconds, boolean statements) throws Exception {
        String database = ("tunelab_" + label).replaceAll("[^A-Za-z0-9_]", "_");
        String url = pg.createDatabase(database);
        if (statements) {
            pg.query(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        var servers = new ArrayList<TunelabProcesses.ServerProcess>();
        try {
            for (int c = 0; c < coordinators; c++) {
                servers.add(TunelabProcesses.startServer(server, dir.resolve(database + "-" + c), 0, "--db", url,
                        "--db-user", PostgresCluster.USER));
            }
            String token = servers.getFirst().adminToken();
            try (var admin = TunelabClient.connect(servers.getFirst().url(), token)) {
                admin.launch(ExperimentSpec.builder("team").minimize("loss").param("x", FloatParam.of(0, 1))
                        .param("y", FloatParam.of(-1, 1)).strategy("random").seed(1L).build());
            }
            var counted = new AtomicLong();
            long warmup = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long end = warmup + TimeUnit.SECONDS.toNanos(seconds);
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < clients; i++) {
                String at = servers.get(i % coordinators).url();
                threads.add(Thread.ofPlatform().start(() -> roundTrips(at, token, warmup, end, counted)));
            }
            sleepUntil(warmup);
            String loadBefore = load();
            double cpuBefore = cpuMillis(servers);
            long commitsBefore = commits(pg, database);
            if (statements) {
                pg.query(database, "SELECT pg_stat_statements_reset()");
            }
            var waits = CompletableFuture.supplyAsync(() -> waits(pg, database, seconds));
            for (Thread t : threads) {
                t.join();
            }
            double cpu = cpuMillis(servers) - cpuBefore;
            long commits = commits(pg, database) - commitsBefore;
            String statementText = statements ? pg.query(database, "SELECT calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) "
                    + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    + "ORDER BY calls DESC LIMIT 14") : "";
            return new Figures(label, counted.get(), seconds, cpuBefore < 0 ? -1 : cpu, commits, loadBefore + " → " + load(),
                    waits.get(), statementText);
        } finally {
            for (var s : servers) {
                s.close();
            }
        }
    }

    private static void roundTrips(String server, String token, long warmup, long end, AtomicLong counted) {
        try (var client = TunelabClient.connect(server, token)) {
            long now;
            while ((now = System.nanoTime()) < end) {
                TrialProposal p = client.ask("team");
                double x = ((Number) p.params().get("x")).doubleValue();
                double y = ((Number) p.params().get("y")).doubleValue();
                client.result(p.id(), TrialResult.complete(Map.of("loss", (x - 0.3) * (x - 0.3) + y * y)));
                if (now >= warmup) {
                    counted.incrementAndGet();
                }
            }
        }
    }

    /** What the database's client backends were doing, sampled four times a second for {@code seconds}: state and wait event, with counts. */
    private static String waits(PostgresCluster pg, String database, int seconds) {
        return pg.query(database, "CREATE TEMP TABLE sampled (what text); "
                + "DO $$ BEGIN FOR i IN 1.." + seconds * 4 + " LOOP PERFORM pg_stat_clear_snapshot(); "
                + "INSERT INTO sampled SELECT state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'running') "
                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND backend_type = 'client backend'; PERFORM pg_sleep(0.25); END LOOP; END $$; "
                + "SELECT what, round(count(*) / " + seconds * 4 + ".0, 2) FROM sampled GROUP BY what ORDER BY 2 DESC");
    }

    private static long commits(PostgresCluster pg, String database) {
        return Long.parseLong(pg.query(database, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").strip());
    }

    /** The servers' CPU time (user and system) so far, in milliseconds; -1 when {@code /proc} cannot tell. */
    private static double cpuMillis(List<TunelabProcesses.ServerProcess> servers) {
        double total = 0;
        for (var s : servers) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(s.process().pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    /** The one-minute load average, from {@code /proc/loadavg}. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
