package io.tunelab.experiments.team;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.ThrowawayPostgres;
import io.tunelab.experiments.support.TunelabProcesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable ask+tell round trips per second with 16 clients, side by side on one throwaway
 * PostgreSQL (commits flushed to disk): Tunelab with one coordinator process, Tunelab with two
 * (the clients split between them), and Optuna's RDB storage with 16 Python processes
 * ({@code /usr/bin/python3} with {@code python3-optuna} and {@code python3-psycopg2}). Both sides
 * run random search over two floats in one experiment (study), ask, evaluate a cheap function and
 * tell; each side warms up, then counts the round trips of a fixed period. Prints each figure and
 * the ratios to Optuna's.
 *
 * <p>Usage: {@code java -cp … TeamBenchmark [--clients 16] [--seconds 20]}.
 */
public final class TeamBenchmark {
    private static final String OPTUNA_CLIENT = """
            import sys, time, optuna
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            url, warmup, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
            study = optuna.load_study(study_name="team", storage=url, sampler=optuna.samplers.RandomSampler())
            def once():
                t = study.ask()
                x = t.suggest_float("x", 0, 1); y = t.suggest_float("y", -1, 1)
                study.tell(t, (x - 0.3) ** 2 + y * y)
            end = time.time() + warmup
            while time.time() < end:
                once()
            n, end = 0, time.time() + seconds
            while time.time() < end:
                once(); n += 1
            print(n, flush=True)
            """;

    private TeamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 16;
        int seconds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --clients N --seconds N");
            }
        }
        Path dir = Files.createTempDirectory("tunelab-team-bench");
        try (var pg = ThrowawayPostgres.start(true)) {
            double one = tunelab(pg, dir, "one", 1, clients, seconds);
            double two = tunelab(pg, dir, "two", 2, clients, seconds);
            double optuna = optuna(pg, dir, clients, seconds);
            System.out.printf("durable ask+tell round trips/s, %d clients, PostgreSQL %s, %d s each%n", clients, "(fsync=on)", seconds);
            System.out.printf("  Tunelab, 1 coordinator : %8.1f/s  (%.1fx Optuna)%n", one, one / optuna);
            System.out.printf("  Tunelab, 2 coordinators: %8.1f/s  (%.1fx Optuna)%n", two, two / optuna);
            System.out.printf("  Optuna 3.1 RDB storage : %8.1f/s  (%d Python processes)%n", optuna, clients);
        }
    }

    /** Round trips per second of {@code clients} SDK clients split over {@code coordinators} processes on one database. */
    private static double tunelab(ThrowawayPostgres pg, Path dir, String name, int coordinators, int clients, int seconds)
            throws Exception {
        String url = pg.createDatabase("tunelab_" + name);
        var servers = new ArrayList<TunelabProcesses.ServerProcess>();
        try {
            for (int c = 0; c < coordinators; c++) {
                servers.add(TunelabProcesses.startServer(dir.resolve(name + "-" + c), "--db", url, "--db-user", ThrowawayPostgres.USER));
            }
            String token = servers.getFirst().adminToken();
            try (var admin = TunelabClient.connect(servers.getFirst().url(), token)) {
                admin.launch(ExperimentSpec.builder("team").minimize("loss").param("x", FloatParam.of(0, 1))
                        .param("y", FloatParam.of(-1, 1)).strategy("random").seed(1L).build());
            }
            var counted = new AtomicLong();
            long warmup = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long end = warmup + TimeUnit.SECONDS.toNanos(seconds);
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < clients; i++) {
                String server = servers.get(i % coordinators).url();
                threads.add(Thread.ofPlatform().start(() -> {
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
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            return counted.get() / (double) seconds;
        } finally {
            for (var s : servers) {
                s.close();
            }
        }
    }

    /** Round trips per second of {@code clients} Python processes on Optuna's RDB storage. */
    private static double optuna(ThrowawayPostgres pg, Path dir, int clients, int seconds) throws Exception {
        pg.createDatabase("optuna");
        String url = "postgresql+psycopg2://" + ThrowawayPostgres.USER + "@127.0.0.1:" + pg.port() + "/optuna";
        Path script = dir.resolve("optuna_client.py");
        Files.writeString(script, OPTUNA_CLIENT);
        Path errors = dir.resolve("optuna.err");
        Process create = python(errors, "-c", "import optuna; optuna.create_study(study_name='team', storage='" + url + "')");
        if (create.waitFor() != 0) {
            throw new IOException("cannot create the Optuna study (is python3-psycopg2 installed?): " + Files.readString(errors));
        }
        var processes = new ArrayList<Process>();
        for (int i = 0; i < clients; i++) {
            processes.add(python(errors, script.toString(), url, "3", Integer.toString(seconds)));
        }
        long total = 0;
        for (Process p : processes) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                throw new IOException("an Optuna client failed: " + Files.readString(errors));
            }
            List<String> lines = out.lines().toList();
            total += Long.parseLong(lines.getLast().strip());
        }
        return total / (double) seconds;
    }

    private static Process python(Path errors, String... args) throws IOException {
        var command = new ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile())).start();
    }
}
