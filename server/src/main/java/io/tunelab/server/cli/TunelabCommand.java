package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.Specs;
import io.tunelab.api.TunelabException;
import io.tunelab.api.VisibleText;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.ApiServer;
import io.tunelab.server.http.HttpLimits;
import io.tunelab.server.http.auth.AccessConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The root of the {@code tunelab} command line and its subcommands. */
@Command(name = "tunelab", mixinStandardHelpOptions = true, version = "Tunelab 0.1.0",
        description = "Hyperparameter optimization and experiment tracking for the JVM.",
        subcommands = {TunelabCommand.Server.class, TunelabCommand.Sweep.class, TunelabCommand.Experiments.class,
                TunelabCommand.Leaderboard.class, ImportanceCommand.class, ExperimentCommand.class, ArtifactCommand.class,
                ModelCommand.class, ExportCommand.class, FinalizeCommand.class, TokenCommand.class, DbCommand.class, DemoCommand.class,
                EnqueueCommand.class, ImportCommand.class})
public final class TunelabCommand implements Runnable {
    static final String DEFAULT_SERVER = "${env:TUNELAB_SERVER:-http://127.0.0.1:8080}";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    /**
     * What a command that only groups others ({@code tunelab}, {@code tunelab experiment}, …) throws
     * when given none: a usage error (exit 2) naming the commands it has, not its usage with exit 0,
     * so a script that forgot the command fails.
     */
    static CommandLine.ParameterException missingCommand(CommandLine.Model.CommandSpec spec) {
        return new CommandLine.ParameterException(spec.commandLine(), spec.qualifiedName() + " needs a command: one of "
                + String.join(", ", new java.util.LinkedHashSet<>(spec.subcommands().keySet())));
    }

    /**
     * The command line with error handling: Tunelab errors print their message and exit 2 (1 when
     * unreachable); a flag or argument picocli cannot parse prints its message, any suggestion,
     * and where the usage is, not the whole usage (which pushed the one line that mattered off
     * the screen), and exits 2.
     */
    public static CommandLine commandLine() {
        var cl = new CommandLine(new TunelabCommand());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("error: " + VisibleText.of(e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
            failed.getErr().println("run " + failed.getCommandSpec().qualifiedName() + " --help for its usage");
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof TunelabException te) {
                commandLine.getErr().println("error: " + VisibleText.of(te.getMessage()));
                return te instanceof TunelabException.Unavailable ? 1 : 2;
            }
            commandLine.getErr().println("error: " + e);
            return 1;
        });
        return cl;
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Runs a Tunelab server on the embedded H2 database (the default) or on PostgreSQL (--db).")
    static final class Server implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8080", description = "port to listen on, 0 to 65535 (0 picks a free one; default ${DEFAULT-VALUE})")
        long port;
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
        String host;
        @CommandLine.Mixin
        DatabaseOptions database;
        @Option(names = "--lease-seconds", defaultValue = "60", paramLabel = "S",
                description = "how long a worker's lease lasts without a heartbeat, 1 to 86400 (default ${DEFAULT-VALUE})")
        long leaseSeconds;
        @Option(names = "--durability", defaultValue = "process", paramLabel = "process|fsync",
                description = "what an acknowledged write survives: process (default; any death of the server process) "
                        + "or fsync (also power loss; one fsync per group commit). PostgreSQL's commits satisfy both.")
        String durability;
        @Option(names = "--allowed-hosts", split = ",", paramLabel = "NAME", description = "more names the Host header may carry "
                + "(besides 127.0.0.1, localhost and --host), as tunelab.example.com")
        List<String> allowedHosts = new ArrayList<>();
        @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN", description = "more browser origins that may call "
                + "the API, as https://dash.example.com")
        List<String> allowedOrigins = new ArrayList<>();
        @Option(names = "--tls-cert", paramLabel = "PEM", description = "the certificate chain (PEM) to serve HTTPS with")
        Path tlsCert;
        @Option(names = "--tls-key", paramLabel = "PEM", description = "the private key (PEM) of --tls-cert")
        Path tlsKey;
        @Option(names = "--behind-proxy", description = "TLS ends at a proxy in front of this server, so --host may be "
                + "beyond loopback without --tls-cert")
        boolean behindProxy;
        @Option(names = "--max-reports-per-trial", paramLabel = "N", defaultValue = "10000",
                description = "report steps one trial may have, 1 to 1000000 (default ${DEFAULT-VALUE})")
        long maxReportsPerTrial;
        @Option(names = "--max-params", paramLabel = "N", defaultValue = "200",
                description = "params one experiment may have, define-by-run ones included, 1 to 10000 (default ${DEFAULT-VALUE})")
        long maxParams;
        @Option(names = "--max-loaded-experiments", paramLabel = "N", defaultValue = "100",
                description = "experiments held in memory at once, besides those with leases or tasks for workers; the others "
                        + "are read from the database when used; 1 to 100000 (default ${DEFAULT-VALUE})")
        long maxLoadedExperiments;
        @Option(names = "--evict-idle-seconds", paramLabel = "S", defaultValue = "600",
                description = "an experiment nobody asked, told, leased or read for this long leaves memory, 1 to 604800 (default ${DEFAULT-VALUE})")
        long evictIdleSeconds;
        @Option(names = "--max-event-streams", paramLabel = "N", defaultValue = "256",
                description = "server-sent-event streams (/api/events) open at once, 1 to 10000 (default ${DEFAULT-VALUE})")
        long maxEventStreams;
        @Option(names = "--event-idle-seconds", paramLabel = "S", defaultValue = "60",
                description = "an event stream whose writes do not reach its client for this long is closed, 1 to 3600 (default ${DEFAULT-VALUE})")
        long eventIdleSeconds;
        @Option(names = "--max-model-mb", paramLabel = "MB", defaultValue = "256",
                description = "the largest model a worker may upload, 1 to 1023 (default ${DEFAULT-VALUE})")
        long maxModelMb;
        @Option(names = "--max-artifact-mb", paramLabel = "MB", defaultValue = "64",
                description = "the largest artifact a trial may attach, 1 to 1023 (default ${DEFAULT-VALUE})")
        long maxArtifactMb;
        @Option(names = "--request-retention-hours", paramLabel = "H", defaultValue = "24",
                description = "how long the answer to an ask's or lease's request id is kept, so its retries get the same answer "
                        + "(a tell's is kept with its trial), 1 to 8760 (default ${DEFAULT-VALUE})")
        long requestRetentionHours;

        @Override
        public Integer call() throws InterruptedException {
            ServerConfig config = config();
            Listening.checkFree(host, config.port(), "--port");
            ApiServer server = ApiServer.start(config);
            System.out.println("Tunelab server on " + server.origin() + "  (data: " + config.database().describe() + ")");
            printAccess(server, config.dataDir());
            System.out.flush();
            serveUntilStopped(server);
            return 0;
        }

        /** The configuration the flags ask for; a bad flag is an error that names it and says what would be right. */
        ServerConfig config() {
            Listening.checkHost(host);
            Listening.checkPem(tlsCert, "--tls-cert", "certificate");
            Listening.checkPem(tlsKey, "--tls-key", "private key");
            var access = new AccessConfig(allowedHosts, allowedOrigins, tlsCert, tlsKey, behindProxy);
            return new ServerConfig(host, PORT.check(port), database.dataDir(), database.database(), Durability.parse(durability),
                    new CoordinatorConfig(Duration.ofSeconds(LEASE.check(leaseSeconds)), 3, Duration.ofSeconds(1))
                            .withLimits(REPORTS.check(maxReportsPerTrial), PARAMS.check(maxParams))
                            .withMemory(LOADED.check(maxLoadedExperiments), Duration.ofSeconds(EVICT_IDLE.check(evictIdleSeconds)))
                            .withRequestRetentionHours(RETENTION.check(requestRetentionHours)),
                    access, new HttpLimits(STREAMS.check(maxEventStreams), Duration.ofSeconds(EVENT_IDLE.check(eventIdleSeconds)),
                    MODEL_MB.check(maxModelMb) * 1024L * 1024, ARTIFACT_MB.check(maxArtifactMb) * 1024L * 1024));
        }
    }

    /** The ranges of the server's numeric options (README.md lists them). */
    static final OptionRange PORT = new OptionRange("--port", 0, 65535, "0 picks a free port");
    static final OptionRange LEASE = new OptionRange("--lease-seconds", 1, 86_400, "one second to one day");
    static final OptionRange REPORTS = new OptionRange("--max-reports-per-trial", 1, 1_000_000, "report steps one trial may have");
    static final OptionRange PARAMS = new OptionRange("--max-params", 1, 10_000, "params one experiment may have");
    static final OptionRange LOADED = new OptionRange("--max-loaded-experiments", 1, 100_000, "experiments held in memory");
    static final OptionRange EVICT_IDLE = new OptionRange("--evict-idle-seconds", 1, 604_800, "one second to one week");
    static final OptionRange STREAMS = new OptionRange("--max-event-streams", 1, 10_000, "event streams open at once");
    static final OptionRange EVENT_IDLE = new OptionRange("--event-idle-seconds", 1, 3_600, "one second to one hour");
    /** PostgreSQL keeps one value in under 1 GB (BYTEA), the same cap on either database. */
    static final OptionRange MODEL_MB = new OptionRange("--max-model-mb", 1, 1023, "MB; a stored value must stay under 1 GB");
    static final OptionRange ARTIFACT_MB = new OptionRange("--max-artifact-mb", 1, 1023, "MB; a stored value must stay under 1 GB");
    static final OptionRange RETENTION = new OptionRange("--request-retention-hours", CoordinatorConfig.MIN_REQUEST_RETENTION_HOURS,
            CoordinatorConfig.MAX_REQUEST_RETENTION_HOURS, "one hour to a year");

    @Command(name = "sweep", mixinStandardHelpOptions = true, description = "Launches or resumes a sweep and follows it.",
            subcommands = {SweepRun.class, SweepResume.class})
    static final class Sweep implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw TunelabCommand.missingCommand(spec);
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
            ExperimentSpec spec = loadSpec(file);
            try (TunelabClient client = server.connect()) {
                ExperimentHandle handle = client.launch(spec);
                System.out.println("launched experiment " + handle.name() + " (id " + handle.id() + ") on " + server.url);
                if (spec.task() == null) {
                    System.out.println("it has no task: your code evaluates its trials through the SDK (ask/tell or optimize)");
                }
                return detach ? 0 : Progress.follow(client, handle, System.out);
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
            Reference.experiment(name);
            try (TunelabClient client = server.connect()) {
                ExperimentHandle handle = client.experiment(name);
                if (trials != null) {
                    checkBudgetFits(handle.info(), trials);
                }
                Experiment e = trials == null ? handle.resume() : handle.resume(trials);
                System.out.println("resumed " + e.name() + ": " + Console.progress(e.summary()));
                return detach ? 0 : Progress.follow(client, handle, System.out);
            }
        }
    }

    /** Refuses {@code --trials} that would take the budget past the largest number of trials a budget may have. */
    private static void checkBudgetFits(Experiment e, int more) {
        Integer old = e.spec().budget().trials();
        long base = old != null ? old : e.summary().totalTrials();
        if (base + more > Integer.MAX_VALUE) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--trials " + more + " would make the budget of " + e.name() + " "
                    + (base + more) + " trials; it has " + base + ", so at most " + (Integer.MAX_VALUE - base) + " more may be added");
        }
    }

    /** A sweep spec file, YAML or JSON; a missing, empty, binary or oversized file is an error that names it. */
    static ExperimentSpec loadSpec(Path file) {
        String text = InputFile.read(file, "sweep spec", InputFile.MAX_REQUEST_BYTES,
                "a spec is sent in one request, and the server takes at most " + InputFile.MAX_REQUEST_BYTES);
        if (text.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "sweep spec " + file + " is empty; give a YAML or JSON spec, "
                    + "as experiments/quickstart.yaml");
        }
        return Specs.parse(text);
    }

    /** Prints the admin token once, on the start that created it, and a one-time login link for the browser. */
    static void printAccess(ApiServer server, Path dataDir) {
        server.newAdminToken().ifPresent(token -> System.out.println("Admin token (shown once; also in "
                + dataDir.resolve(ApiServer.ADMIN_TOKEN_FILE).toAbsolutePath() + ", readable only by you): " + token));
        server.loginLink().ifPresent(link -> System.out.println("Log in to the web UI (one-time link): " + link));
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

    @Command(name = "experiments", mixinStandardHelpOptions = true, description = "Lists the experiments with their state, progress and best value.")
    static final class Experiments implements Callable<Integer> {
        @Option(names = "--tag", paramLabel = "TAG", description = "only experiments with this tag")
        String tag;
        @Option(names = "--archived", description = "archived experiments too")
        boolean archived;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            if (tag != null) {
                try {
                    ExperimentLabels.checkTag(tag);
                } catch (TunelabException e) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--tag: " + e.getMessage());
                }
            }
            try (TunelabClient client = server.connect()) {
                var catalog = io.tunelab.client.Catalog.of(client);
                var list = catalog.list(tag, archived);
                int hidden = list.isEmpty() && !archived ? catalog.list(tag, true).size() : 0;
                if (hidden > 0) {
                    System.out.println("no experiments shown: " + hidden + " archived " + (tag == null ? "" : "with tag " + tag + " ")
                            + "left out; add --archived to list them");
                } else if (list.isEmpty()) {
                    System.out.println(tag == null ? "no experiments yet; launch one with: tunelab sweep run FILE"
                            : "no experiments with tag " + tag + "; tunelab experiments lists them all");
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
            if (limit < 1 || limit > io.tunelab.server.experiment.TrialQuery.MAX_LIMIT) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--limit must be from 1 to "
                        + io.tunelab.server.experiment.TrialQuery.MAX_LIMIT + ", got " + limit);
            }
            Reference.experiment(name);
            try (TunelabClient client = server.connect()) {
                Experiment e = client.describe(name);
                Console.leaderboard(System.out, e, client.leaderboard(name, limit));
                return 0;
            }
        }
    }
}
