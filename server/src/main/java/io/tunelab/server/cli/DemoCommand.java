package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Token;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.JvmCommand;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import io.tunelab.server.http.auth.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tunelab demo}: a server, a local worker and a sweep in one command. It makes its own
 * tokens in-process (a {@code write} one for itself, a {@code worker} one handed to its worker
 * through the environment) and revokes them when the sweep is done, so the user types none. Its
 * worker does not outlive it ({@link ChildProcess}): stopped with it on SIGTERM or Ctrl-C, and
 * stopping itself when the demo's process is gone however it ended ({@code --parent-pid}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts a server on the embedded H2 database and one local worker, runs the digits-mlp sweep "
                + "(real Deeplearning4j training) with a live progress bar, prints the leaderboard and keeps serving the web UI.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "port for the server (default ${DEFAULT-VALUE}; 0 picks a free one)")
    long port;
    @Option(names = "--data-dir", defaultValue = "./tunelab-data", description = "where the database lives (default ${DEFAULT-VALUE})")
    Path dataDir;
    @Option(names = "--spec", description = "the sweep spec to run (default: experiments/sweeps/digits-mlp.yaml); "
            + "a spec without a task runs the quick-start example objective in this process")
    Path specFile;
    @Option(names = "--slots", description = "trials the local worker runs at once (default: the number of cores)")
    Long slots;
    @Option(names = "--exit", description = "stop the server when the sweep is done instead of serving the UI")
    boolean exit;

    /**
     * How long the worker may take to stop after SIGTERM before it is killed: past its own grace (30 s), in which its running
     * trials may finish and report, since this process serves until its shutdown hooks are done.
     */
    /** The worker's own bound (tunelab worker --slots), checked before any server starts. */
    private static final OptionRange SLOTS = new OptionRange("--slots", 1, 256, "trials the local worker runs at once");
    private static final java.time.Duration WORKER_STOP = java.time.Duration.ofSeconds(60);

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("tunelab.home", "."));
        Path file = specFile != null ? specFile : home.resolve("experiments/sweeps/digits-mlp.yaml");
        ExperimentSpec spec = TunelabCommand.loadSpec(file);
        if (spec.task() == null && !spec.space().names().containsAll(java.util.List.of("lr", "layers", "optimizer"))) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, file + " has no task, and the demo's example objective needs "
                    + "the quick-start params lr, layers and optimizer; give a spec with a task, or experiments/quickstart.yaml");
        }
        int workerSlots = SLOTS.check(slots != null ? slots : Runtime.getRuntime().availableProcessors());
        int serverPort = TunelabCommand.PORT.check(port);
        DatabaseOptions.checkDataDir(dataDir, "--data-dir");
        Listening.checkFree("127.0.0.1", serverPort, "--port");
        ApiServer server = ApiServer.start(ServerConfig.of(dataDir, serverPort));
        String url = server.origin();
        // The demo's own tokens, made in-process: one to launch and follow, one for its worker.
        String stamp = Long.toString(System.currentTimeMillis(), 36);
        Token own = server.tokens().create("demo-" + stamp, Set.of(Scope.WRITE));
        Token workerToken = server.tokens().create("demo-worker-" + stamp, Set.of(Scope.WORKER));
        ChildProcess worker = null;
        int status;
        try (TunelabClient client = TunelabClient.connect(url, own.secret())) {
            var taken = client.experiments().stream().map(ExperimentSummary::name).collect(java.util.stream.Collectors.toSet());
            String name = spec.name();
            for (int i = 2; taken.contains(name); i++) {
                name = spec.name() + "-" + i;
            }
            ExperimentHandle handle = client.launch(spec.withName(name));
            System.out.println("Tunelab demo: server on " + url + ", experiment " + handle.name() + " from " + file);
            System.out.println("Web UI: " + url + "/#/experiments/" + handle.name());
            TunelabCommand.printAccess(server, dataDir);
            Thread runner = null;
            if (spec.task() != null) {
                Path log = dataDir.resolve("worker.log");
                worker = startWorker(home, url, workerToken.secret(), workerSlots, log);
                System.out.println("local worker with " + workerSlots + " slots (log: " + log + ")");
            } else {
                int trials = spec.budget().trials() == null ? 50 : spec.budget().trials();
                int parallel = spec.budget().parallel() == null ? 4 : spec.budget().parallel();
                runner = Thread.ofPlatform().name("demo-optimize").start(
                        () -> handle.optimize(new QuickstartObjective(), trials, parallel));
            }
            status = Progress.follow(client, handle, System.out);
            if (runner != null) {
                runner.join();
            }
            System.out.println();
            System.out.println("Web UI: " + url + "/#/experiments/" + handle.name());
        } finally {
            if (worker != null) {
                worker.close();
            }
            server.tokens().revoke(workerToken.name());
            server.tokens().revoke(own.name());
        }
        if (exit) {
            server.close();
            return status;
        }
        System.out.println("The server keeps running for the web UI; press Ctrl-C to stop it.");
        TunelabCommand.serveUntilStopped(server);
        return 0;
    }

    /**
     * Starts a worker process from the built worker jar, as {@link JvmCommand} defines it, with its token in its environment,
     * watching this process ({@code --parent-pid}) and stopped with it.
     */
    private static ChildProcess startWorker(Path home, String url, String token, int slots, Path log) throws java.io.IOException {
        ProcessBuilder builder;
        try {
            builder = JvmCommand.worker(home).processBuilder(java.util.List.of("worker", "--server", url, "--slots", Integer.toString(slots),
                    "--parent-pid", ChildProcess.PARENT_PID));
        } catch (IllegalStateException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        builder.environment().put("TUNELAB_TOKEN", token);
        return ChildProcess.start(builder.redirectErrorStream(true).redirectOutput(log.toFile()), WORKER_STOP);
    }
}

