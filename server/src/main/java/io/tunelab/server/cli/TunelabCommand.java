package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Specs;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.JvmCommand;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.ApiServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The root of the {@code tunelab} command line and its subcommands. */
@Command(name = "tunelab", mixinStandardHelpOptions = true, version = "Tunelab 0.1.0",
        description = "Hyperparameter optimization and experiment tracking for the JVM.",
        subcommands = {TunelabCommand.Server.class, TunelabCommand.Sweep.class, TunelabCommand.Experiments.class,
                TunelabCommand.Leaderboard.class, ExportCommand.class, TunelabCommand.Demo.class})
public final class TunelabCommand implements Runnable {
    static final String DEFAULT_SERVER = "${env:TUNELAB_SERVER:-http://127.0.0.1:8080}";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with error handling: Tunelab errors print their message and exit 2 (1 when unreachable). */
    public static CommandLine commandLine() {
        var cl = new CommandLine(new TunelabCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof TunelabException te) {
                commandLine.getErr().println("error: " + te.getMessage());
                return te instanceof TunelabException.Unavailable ? 1 : 2;
            }
            commandLine.getErr().println("error: " + e);
            return 1;
        });
        return cl;
    }

    /** The {@code --server URL} option of the client commands. */
    static final class ServerOption {
        @Option(names = "--server", defaultValue = DEFAULT_SERVER, description = "server URL (default ${DEFAULT-VALUE})")
        String url;
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Runs a Tunelab server on the embedded H2 database (the default) or on PostgreSQL (--db).")
    static final class Server implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8080", description = "port to listen on (0 picks a free one; default ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
        String host;
        @CommandLine.Mixin
        DatabaseOptions database;
        @Option(names = "--lease-seconds", defaultValue = "60", description = "how long a worker's lease lasts without a heartbeat")
        int leaseSeconds;
        @Option(names = "--durability", defaultValue = "process", paramLabel = "process|fsync",
                description = "what an acknowledged write survives: process (default; any death of the server process) "
                        + "or fsync (also power loss; one fsync per group commit). PostgreSQL's commits satisfy both.")
        String durability;

        @Override
        public Integer call() throws InterruptedException {
            ServerConfig config = config();
            ApiServer server = ApiServer.start(config);
            System.out.println("Tunelab server on http://" + config.host() + ":" + server.port() + "  (data: " + config.database().describe() + ")");
            System.out.flush();
            serveUntilStopped(server);
            return 0;
        }

        /** The configuration the flags ask for; a bad flag is an error that names it and says what would be right. */
        ServerConfig config() {
            if (port < 0 || port > 65535) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--port must be from 0 to 65535, got " + port);
            }
            if (leaseSeconds < 1) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--lease-seconds must be 1 or more, got " + leaseSeconds);
            }
            return new ServerConfig(host, port, database.database(), Durability.parse(durability),
                    new CoordinatorConfig(Duration.ofSeconds(leaseSeconds), 3, Duration.ofSeconds(1)));
        }
    }

    @Command(name = "sweep", mixinStandardHelpOptions = true, description = "Launches or resumes a sweep and follows it.",
            subcommands = {SweepRun.class, SweepResume.class})
    static final class Sweep implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Launches the experiment of a sweep spec (YAML or JSON), shows its progress until the budget is spent, then its leaderboard.")
    static final class SweepRun implements Callable<Integer> {
        @Parameters(index = "0", description = "the sweep spec file")
        Path file;
        @CommandLine.Mixin
        ServerOption server;
        @Option(names = "--detach", description = "launch and return at once, without following")
        boolean detach;

        @Override
        public Integer call() {
            ExperimentSpec spec = Specs.load(file);
            try (TunelabClient client = TunelabClient.connect(server.url)) {
                ExperimentHandle handle = client.launch(spec);
                System.out.println("launched experiment " + handle.name() + " (id " + handle.id() + ") on " + server.url);
                if (spec.task() == null) {
                    System.out.println("it has no task: your code evaluates its trials through the SDK (ask/tell or optimize)");
                }
                return detach ? 0 : follow(client, handle, System.out);
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resumes a paused, stopped or completed experiment, optionally with more trials, and follows it.")
    static final class SweepResume implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String name;
        @Option(names = "--trials", description = "how many trials to add to the budget")
        Integer trials;
        @CommandLine.Mixin
        ServerOption server;
        @Option(names = "--detach", description = "resume and return at once, without following")
        boolean detach;

        @Override
        public Integer call() {
            if (trials != null && trials < 1) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--trials must be 1 or more, got " + trials);
            }
            try (TunelabClient client = TunelabClient.connect(server.url)) {
                ExperimentHandle handle = client.experiment(name);
                Experiment e = trials == null ? handle.resume() : handle.resume(trials);
                System.out.println("resumed " + e.name() + ": " + Console.progress(e.summary()));
                return detach ? 0 : follow(client, handle, System.out);
            }
        }
    }

    /** Blocks until the process is told to stop (SIGTERM, Ctrl-C), then closes the server cleanly. */
    static void serveUntilStopped(ApiServer server) throws InterruptedException {
        var done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            done.countDown();
        }));
        done.await();
    }

    /** Shows progress until the experiment is COMPLETED or STOPPED (or PAUSED), then the leaderboard. */
    static int follow(TunelabClient client, ExperimentHandle handle, PrintStream out) {
        boolean tty = System.console() != null;
        String last = "";
        long lastPrint = 0;
        while (true) {
            Experiment e = handle.info();
            ExperimentSummary s = e.summary();
            String line = Console.progress(s);
            long now = System.currentTimeMillis();
            if (tty) {
                out.print("\r" + line + "   ");
                out.flush();
            } else if (!line.equals(last) && now - lastPrint > 2000) {
                out.println(line);
                lastPrint = now;
            }
            last = line;
            if (e.state() != ExperimentState.RUNNING) {
                if (tty) {
                    out.println();
                } else {
                    out.println(line);
                }
                Console.leaderboard(out, e, handle.leaderboard(10));
                return 0;
            }
            try {
                Thread.sleep(tty ? 250 : 500);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
    }

    @Command(name = "experiments", mixinStandardHelpOptions = true, description = "Lists every experiment with its state, progress and best value.")
    static final class Experiments implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            try (TunelabClient client = TunelabClient.connect(server.url)) {
                var list = client.experiments();
                if (list.isEmpty()) {
                    System.out.println("no experiments yet; launch one with: tunelab sweep run FILE");
                } else {
                    Console.experiments(System.out, list);
                }
                return 0;
            }
        }
    }

    @Command(name = "leaderboard", mixinStandardHelpOptions = true, description = "Shows an experiment's best trials, best first.")
    static final class Leaderboard implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String name;
        @Option(names = "--limit", defaultValue = "10", description = "how many trials (default ${DEFAULT-VALUE})")
        int limit;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--limit must be 1 or more, got " + limit);
            }
            try (TunelabClient client = TunelabClient.connect(server.url)) {
                Experiment e = client.describe(name);
                Console.leaderboard(System.out, e, client.leaderboard(name, limit));
                return 0;
            }
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Starts a server on the embedded H2 database and one local worker, runs the digits-mlp sweep "
                    + "(real Deeplearning4j training) with a live progress bar, prints the leaderboard and keeps serving the web UI.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8080", description = "port for the server (default ${DEFAULT-VALUE}; 0 picks a free one)")
        int port;
        @Option(names = "--data-dir", defaultValue = "./tunelab-data", description = "where the database lives (default ${DEFAULT-VALUE})")
        Path dataDir;
        @Option(names = "--spec", description = "the sweep spec to run (default: experiments/sweeps/digits-mlp.yaml); "
                + "a spec without a task runs the quick-start example objective in this process")
        Path specFile;
        @Option(names = "--slots", description = "trials the local worker runs at once (default: the number of cores)")
        Integer slots;
        @Option(names = "--exit", description = "stop the server when the sweep is done instead of serving the UI")
        boolean exit;

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(System.getProperty("tunelab.home", "."));
            Path file = specFile != null ? specFile : home.resolve("experiments/sweeps/digits-mlp.yaml");
            ExperimentSpec spec = Specs.load(file);
            if (spec.task() == null && !spec.space().names().containsAll(java.util.List.of("lr", "layers", "optimizer"))) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, file + " has no task, and the demo's example objective needs "
                        + "the quick-start params lr, layers and optimizer; give a spec with a task, or experiments/quickstart.yaml");
            }
            int workerSlots = slots != null ? slots : Runtime.getRuntime().availableProcessors();
            if (workerSlots < 1) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--slots must be 1 or more, got " + workerSlots);
            }
            ApiServer server = ApiServer.start(ServerConfig.of(dataDir, port));
            String url = "http://127.0.0.1:" + server.port();
            Process worker = null;
            try (TunelabClient client = TunelabClient.connect(url)) {
                var taken = client.experiments().stream().map(ExperimentSummary::name).collect(java.util.stream.Collectors.toSet());
                String name = spec.name();
                for (int i = 2; taken.contains(name); i++) {
                    name = spec.name() + "-" + i;
                }
                ExperimentHandle handle = client.launch(spec.withName(name));
                System.out.println("Tunelab demo: server on " + url + ", experiment " + handle.name() + " from " + file);
                System.out.println("Web UI: " + url + "/#/experiments/" + handle.name());
                Thread runner = null;
                if (spec.task() != null) {
                    Path log = dataDir.resolve("worker.log");
                    worker = startWorker(home, url, workerSlots, log);
                    System.out.println("local worker with " + workerSlots + " slots (log: " + log + ")");
                } else {
                    int trials = spec.budget().trials() == null ? 50 : spec.budget().trials();
                    int parallel = spec.budget().parallel() == null ? 4 : spec.budget().parallel();
                    runner = Thread.ofPlatform().name("demo-optimize").start(
                            () -> handle.optimize(new QuickstartObjective(), trials, parallel));
                }
                follow(client, handle, System.out);
                if (runner != null) {
                    runner.join();
                }
                System.out.println();
                System.out.println("Web UI: " + url + "/#/experiments/" + handle.name());
            } finally {
                if (worker != null) {
                    worker.destroy();
                    worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            if (exit) {
                server.close();
                return 0;
            }
            System.out.println("The server keeps running for the web UI; press Ctrl-C to stop it.");
            serveUntilStopped(server);
            return 0;
        }

        /** Starts a worker process from the built worker jar, as {@link JvmCommand} defines it. */
        private static Process startWorker(Path home, String url, int slots, Path log) throws java.io.IOException {
            ProcessBuilder builder;
            try {
                builder = JvmCommand.worker(home).processBuilder(java.util.List.of("worker", "--server", url, "--slots", Integer.toString(slots)));
            } catch (IllegalStateException e) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, e.getMessage());
            }
            return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }
    }
}
