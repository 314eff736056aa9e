package io.tunelab.experiments.team;

import io.tunelab.client.JvmCommand;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.throwaway.PostgresCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Durable ask+tell round trips per second with 16 clients, side by side on one throwaway
 * PostgreSQL (commits flushed to disk): Tunelab with one coordinator process, Tunelab with two
 * (the clients split between them), and Optuna's RDB storage with 16 Python processes
 * ({@code /usr/bin/python3} with {@code python3-optuna} and {@code python3-psycopg2}). Both sides
 * run random search over two floats in one experiment (study), ask, evaluate a cheap function and
 * tell; each side warms up, then counts the round trips of a fixed period. Prints each figure and
 * the ratios to Optuna's, with the servers' CPU per round trip and the commits per round trip
 * (see {@link CoordinatorPhase}).
 *
 * <p>Usage: {@code java -cp … TeamBenchmark [--clients 16] [--seconds 20] [--warmup 3] [--coordinators 1,2]
 * [--jar NAME=PATH]... [--jvm-option OPTION]... [--statements]}: each {@code --jar} names a built
 * server jar (its {@code lib} folder beside it) to measure, alternated with the others in the same
 * run, so that a build before a change and one after it meet the same load (default: this
 * checkout's build); {@code --warmup} is how long Tunelab's clients run before the count starts
 * (the servers' JIT compiles meanwhile; Optuna's always warm up 3 s); {@code --jvm-option} goes to every server process (a flight recording, say);
 * {@code --statements} loads {@code pg_stat_statements} and prints each phase's statements.
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
        int warmup = 3;
        boolean statements = false;
        var jars = new LinkedHashMap<String, JvmCommand>();
        var jvmOptions = new ArrayList<String>();
        List<Integer> coordinators = List.of(1, 2);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--coordinators" -> coordinators = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--jar" -> {
                    String[] named = args[++i].split("=", 2);
                    if (named.length != 2 || !Files.isRegularFile(Path.of(named[1]))) {
                        throw new IllegalArgumentException("--jar takes NAME=PATH of a built server jar with its lib folder beside it, got " + args[i]);
                    }
                    JvmCommand built = TunelabProcesses.server();
                    jars.put(named[0], new JvmCommand(built.java(), built.jvmOptions(), built.environment(),
                            Path.of(named[1]).toAbsolutePath(), built.mainClass()));
                }
                case "--jvm-option" -> jvmOptions.add(args[++i]);
                case "--statements" -> statements = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --clients N --seconds N --warmup N "
                        + "--coordinators 1,2 --jar NAME=PATH (repeatable) --jvm-option OPTION (repeatable) --statements");
            }
        }
        if (jars.isEmpty()) {
            jars.put("built", TunelabProcesses.server());
        }
        Path dir = Scratch.directory("tunelab-team-bench");
        var figures = new ArrayList<CoordinatorPhase.Figures>();
        try (var pg = PostgresCluster.start(PostgresCluster.Options.team(true, statements))) {
            // Alternated: each build with one coordinator, then each with two, so a change of the machine's load falls on all.
            for (int n : coordinators) {
                for (var jar : jars.entrySet()) {
                    String first = jar.getKey() + "_" + n;
                    long before = figures.stream().filter(f -> f.label().startsWith(first)).count();
                    String label = before == 0 ? first : first + "_" + (before + 1); // --coordinators 1,1 measures each twice
                    figures.add(CoordinatorPhase.run(pg, dir, label, jar.getValue().withJvmOptions(jvmOptions), n, clients, warmup,
                            seconds, statements));
                    print(figures.getLast(), clients);
                }
            }
            String loadBefore = CoordinatorPhase.load();
            double optuna = optuna(pg, dir, clients, seconds);
            System.out.printf("%ndurable ask+tell round trips/s, %d clients, PostgreSQL (fsync=on), %d s each%n", clients, seconds);
            for (var f : figures) {
                System.out.printf("  Tunelab %-10s: %8.1f/s  (%.1fx Optuna)  server CPU %.0f µs per round trip, %.2f commits per round trip, load %s%n",
                        f.label(), f.rate(), f.rate() / optuna, 1000 * f.cpuMillis() / f.roundTrips(),
                        f.commits() / (double) f.roundTrips(), f.load());
            }
            System.out.printf("  Optuna 3.1 RDB storage : %8.1f/s  (%d Python processes), load %s → %s%n", optuna, clients, loadBefore,
                    CoordinatorPhase.load());
        }
    }

    private static void print(CoordinatorPhase.Figures f, int clients) {
        System.out.printf("%n== %s: %d round trips in %d s (%.1f/s), %d clients, server CPU %.0f ms, %d commits, load %s%n",
                f.label(), f.roundTrips(), f.seconds(), f.rate(), clients, f.cpuMillis(), f.commits(), f.load());
        System.out.println("PostgreSQL's client backends, mean count by state and wait event:");
        System.out.print(f.waits().indent(2));
        if (!f.statements().isEmpty()) {
            System.out.println("statements (calls | rows | text), counted period:");
            System.out.print(f.statements().indent(2));
        }
        System.out.flush();
    }

    /** Round trips per second of {@code clients} Python processes on Optuna's RDB storage. */
    private static double optuna(PostgresCluster pg, Path dir, int clients, int seconds) throws Exception {
        pg.createDatabase("optuna");
        String url = "postgresql+psycopg2://" + PostgresCluster.USER + "@127.0.0.1:" + pg.port() + "/optuna";
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
