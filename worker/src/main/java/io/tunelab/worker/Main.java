package io.tunelab.worker;

import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.worker.data.DataRefusedException;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.UnusableDataException;
import io.tunelab.worker.runner.Runners;
import io.tunelab.worker.tribuo.TribuoBundle;
import io.tunelab.worker.train.Metrics;
import io.tunelab.worker.train.ModelBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The worker's command line: {@code worker --server URL [--slots N] [--data-root DIR]…} serves trials until
 * SIGTERM; {@code predict --model FILE --csv FILE} applies an exported model to a CSV.
 */
@Command(name = "tunelab", mixinStandardHelpOptions = true, subcommands = {Main.Serve.class, PredictCommand.class},
        description = "Tunelab worker: trains the trials of a Tunelab server with Deeplearning4j, Tribuo or a runner of your own.")
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Lease trials from a server and run them, N at a time, until stopped (SIGTERM).")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--server", required = true, description = "The server URL, as http://127.0.0.1:8080, or several coordinators' URLs separated by commas.")
        String server;

        @Option(names = "--slots", description = "Trials at once, 1 to " + WorkerConfig.MAX_SLOTS + " (default: the number of cores, ${DEFAULT-VALUE}).")
        long slots = Runtime.getRuntime().availableProcessors();

        @Option(names = "--name", description = "The worker's name in leases and provenance (default: host:pid).")
        String name;

        @Option(names = "--grace-seconds", description = "On SIGTERM, how long running trials may finish, 0 to " + WorkerConfig.MAX_GRACE_SECONDS
                + " (default: ${DEFAULT-VALUE}).")
        long graceSeconds = 30;

        @Option(names = "--lease-wait-seconds", description = "How long one lease request waits for work, 0 to " + WorkerConfig.MAX_LEASE_WAIT_SECONDS
                + " (default: ${DEFAULT-VALUE}).")
        long leaseWaitSeconds = 20;

        @Option(names = "--data-root", paramLabel = "DIR", description = "A directory whose CSV files tasks may name in "
                + "dataset.path, absolute or relative to it; repeatable (default: none, only the bundled datasets).")
        List<Path> dataRoots = new ArrayList<>();

        @Option(names = "--max-data-mb", description = "The largest CSV file a task may name, in MB, 1 to " + DataSandbox.LARGEST_MAX_MB
                + " (default: ${DEFAULT-VALUE}).")
        long maxDataMb = DataSandbox.DEFAULT_MAX_MB;

        @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the worker's token (a token "
                + "with the worker scope: tunelab token create --scope worker --name NAME); default: $TUNELAB_TOKEN.")
        Path tokenFile;

        @Option(names = "--data-cache-mb", description = "About how much memory prepared datasets may keep, in MB "
                + "1 to " + WorkerConfig.MAX_DATA_CACHE_MB + " (default: ${DEFAULT-VALUE}).")
        long dataCacheMb = WorkerConfig.DEFAULT_DATA_CACHE_MB;

        @Option(names = "--runner-jar", paramLabel = "FILE", description = "A jar with more runners (classes implementing "
                + "io.tunelab.worker.runner.Runner, listed in its META-INF/services); repeatable. The worker leases only "
                + "experiments whose runners it has (built in: dl4j, tribuo).")
        List<Path> runnerJars = new ArrayList<>();

        @Option(names = "--parent-pid", paramLabel = "PID", description = "Stop, as on SIGTERM, when the process with this "
                + "pid ends, however it ends (SIGKILL included): a program that starts a worker of its own (tunelab demo) passes "
                + "its pid so that the worker does not outlive it (default: none, the worker runs until stopped).")
        Long parentPid;

        @Override
        public Integer call() throws InterruptedException {
            Runners runners;
            try {
                runners = Runners.load(runnerJars);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            String who = name != null ? name : Software.host() + ":" + ProcessHandle.current().pid();
            WorkerConfig config;
            try {
                config = new WorkerConfig(server, who, within("--slots", slots, 1, WorkerConfig.MAX_SLOTS, "trials at once; each "
                        + "trains in memory of its own"),
                        Duration.ofSeconds(within("--lease-wait-seconds", leaseWaitSeconds, 0, WorkerConfig.MAX_LEASE_WAIT_SECONDS,
                                "the server answers a lease request within a minute")),
                        Duration.ofSeconds(within("--grace-seconds", graceSeconds, 0, WorkerConfig.MAX_GRACE_SECONDS, "at most an hour")),
                        Duration.ofSeconds(30),
                        DataSandbox.of(dataRoots, (long) within("--max-data-mb", maxDataMb, 1, DataSandbox.LARGEST_MAX_MB,
                                "a CSV file is read into one array") << 20),
                        (long) within("--data-cache-mb", dataCacheMb, 1, WorkerConfig.MAX_DATA_CACHE_MB, "at most 64 GB") << 20);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            Optional<ResidentMemoryBound> memoryBound;
            try {
                memoryBound = ResidentMemoryBound.fromProperty();
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            if (slots > 1 && !"1".equals(System.getenv("OMP_NUM_THREADS"))) {
                System.err.println("warning: OMP_NUM_THREADS is not 1; with " + slots
                        + " slots the trials' native threads will compete (start the worker through ./tunelab)");
            }
            String token;
            try {
                token = tokenFile != null ? readTokenFile(tokenFile) : System.getenv("TUNELAB_TOKEN");
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("error: " + (e instanceof IllegalArgumentException ? e.getMessage()
                        : "cannot read the token file " + tokenFile + " (" + e.getClass().getSimpleName() + ")"));
                return 2;
            }
            if (token == null || token.isBlank()) {
                System.err.println("error: the worker needs a token with the worker scope: give --token-file FILE or set "
                        + "TUNELAB_TOKEN (an admin makes one with: tunelab token create --scope worker --name NAME)");
                return 2;
            }
            TunelabClient client;
            try {
                client = TunelabClient.connect(server, token);
            } catch (TunelabException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            var parent = parentPid == null ? null : ProcessHandle.of(parentPid).filter(ProcessHandle::isAlive).orElse(null);
            if (parentPid != null && parent == null) {
                System.err.println("error: no process " + parentPid + " is running (--parent-pid): the worker would outlive it");
                return 2;
            }
            var worker = new Worker(config, Coordinator.of(client), runners);
            memoryBound.ifPresent(ResidentMemoryBound::start);
            var done = new java.util.concurrent.CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                worker.stop();
                done.countDown();
            }, "shutdown"));
            if (parent != null) {
                // onExit polls a process that is not this one's child; System.exit runs the hook above.
                parent.onExit().thenRunAsync(() -> {
                    System.err.println("process " + parentPid + " (--parent-pid) ended: stopping");
                    System.exit(0);
                }, r -> Thread.ofPlatform().daemon().name("parent-exit").start(r));
            }
            worker.start();
            worker.join();
            if (worker.refusal().isPresent()) {
                System.err.println("error: the server refuses this worker's token: " + worker.refusal().get() + "; give --token-file "
                        + "a token with the worker scope (an admin makes one with: tunelab token create --scope worker --name NAME)");
                return 2;
            }
            done.await();
            return 0;
        }
    }

    /**
     * The value of a numeric option, when it is from {@code low} to {@code high}; else an error
     * naming the option, the value and the range. Options are read as {@code long}, so a value far
     * out of range (as 10^12) is named with its range rather than refused as "not an int".
     */
    static int within(String flag, long value, int low, int high, String why) {
        if (value < low || value > high) {
            throw new IllegalArgumentException(flag + " must be from " + low + " to " + high + ", got " + value + " (" + why + ")");
        }
        return (int) value;
    }

    /** The token a --token-file holds: one line of text, refused with what is wrong when it is no such file. */
    static String readTokenFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("the token file " + file + " does not exist; give the file the token was saved in");
        }
        if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
            throw new IllegalArgumentException("the token file " + file + (Files.isDirectory(file) ? " is a directory"
                    : " is not a file of one token (at most 4096 bytes)") + "; give the file the token was saved in");
        }
        try {
            return Files.readString(file).strip();
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("the token file " + file + " is not UTF-8 text; give the file the token was saved in");
        }
    }
}
