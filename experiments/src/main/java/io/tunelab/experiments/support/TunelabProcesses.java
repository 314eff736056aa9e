package io.tunelab.experiments.support;

import io.tunelab.client.JvmCommand;
import io.tunelab.client.TunelabClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts real Tunelab processes for end-to-end tests and benchmarks: a server from the built
 * server jar on a free port with its own data directory, and workers from the built worker jar,
 * both with the command lines {@link JvmCommand} defines. Each process's
 * output goes to a log file beside the data directory, so a failing test can show it. Clients
 * get the admin token the server wrote to {@code <data-dir>/admin.token}; workers get a token
 * with the {@code worker} scope, made with it, through their environment.
 */
public final class TunelabProcesses {
    private static final Pattern LISTENING = Pattern.compile("Tunelab server on (http://[^\\s]+)");

    private TunelabProcesses() {
    }

    /** The repository root: the folder holding the {@code tunelab} launcher. */
    public static Path home() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("tunelab"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (the folder with ./tunelab) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The build directory the reactor builds into ({@code tunelab.target}, {@code target} by default). */
    private static String buildDirectory() {
        return System.getProperty("tunelab.target", "target");
    }

    /** Starts a server on a free port with its data in {@code dataDir}; returns once it answers. */
    public static ServerProcess startServer(Path dataDir, String... extraArgs) throws IOException {
        return startServer(dataDir, 0, extraArgs);
    }

    /** Starts a server on {@code port} (0 for a free one) with its data in {@code dataDir}; returns once it answers. */
    public static ServerProcess startServer(Path dataDir, int port, String... extraArgs) throws IOException {
        return startServer(dataDir, port, List.of(), extraArgs);
    }

    /** {@link #startServer(Path, int, String...)} with more JVM options for the server's process (as {@code -Xmx1g}). */
    public static ServerProcess startServer(Path dataDir, int port, List<String> jvmOptions, String... extraArgs) throws IOException {
        return startServer(server().withJvmOptions(jvmOptions), dataDir, port, extraArgs);
    }

    /** {@link #startServer(Path, int, String...)} with the server's process as {@code command} has it (another jar, say). */
    public static ServerProcess startServer(JvmCommand command, Path dataDir, int port, String... extraArgs) throws IOException {
        Files.createDirectories(dataDir);
        var args = new ArrayList<>(List.of("server", "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
        args.addAll(List.of(extraArgs));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        Process process = command.processBuilder(args).redirectErrorStream(true).start();
        AtExit.stop(process);
        var url = new CompletableFuture<String>();
        Thread.ofPlatform().daemon(true).start(() -> pump(process, log, url));
        try {
            String u = url.get(120, TimeUnit.SECONDS);
            // A server that shares its database with one started before it finds the tokens there and writes none.
            Path token = dataDir.resolve("admin.token");
            return new ServerProcess(process, u, log, Files.exists(token) ? Files.readString(token).strip() : null);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the server did not start; its output is in " + log + ":\n" + Files.readString(log), e);
        }
    }

    /** Starts a worker serving {@code server} with {@code slots} slots and a token of the {@code worker} scope. */
    public static WorkerProcess startWorker(ServerProcess server, int slots, Path log, String... extraArgs) throws IOException {
        return startWorker(List.of(), server.url(), server.workerToken(), slots, log, extraArgs);
    }

    /**
     * Starts a worker serving {@code servers} (one URL, or several separated by commas) with
     * {@code token}, its command after {@code prefix} (as {@link NetworkNamespaces#prefix}; empty for none).
     */
    public static WorkerProcess startWorker(List<String> prefix, String servers, String token, int slots, Path log,
                                            String... extraArgs) throws IOException {
        var args = new ArrayList<>(List.of("worker", "--server", servers, "--slots", Integer.toString(slots)));
        args.addAll(List.of(extraArgs));
        ProcessBuilder builder = worker().processBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.command().addAll(0, prefix);
        builder.environment().put("TUNELAB_TOKEN", token);
        return new WorkerProcess(started(builder), log);
    }

    /**
     * Runs {@code main} of this module in a JVM of its own (this JVM's {@code java} and class
     * path), with {@code args}, {@code TUNELAB_TOKEN} set to {@code token}, its command after
     * {@code prefix}, its output in {@code log}.
     */
    public static Process startMain(List<String> prefix, Class<?> main, List<String> args, String token, Path log) throws IOException {
        var command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TUNELAB_TOKEN", token);
        return started(builder);
    }

    /**
     * Runs any worker command ({@code worker}, {@code predict}) with {@code args} as
     * {@link JvmCommand} defines the worker's process, its output in {@code log}.
     */
    public static Process startWorkerCommand(List<String> args, Path log) throws IOException {
        return started(worker().processBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()));
    }

    /** Starts the process, to be stopped when this JVM exits if it still runs then (see {@link AtExit}). */
    private static Process started(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        AtExit.stop(process);
        return process;
    }

    /** The server's process from the built server jar (its {@code tunelab} commands: {@code server}, {@code db copy}, …). */
    public static JvmCommand server() {
        return JvmCommand.server(home(), buildDirectory());
    }

    /** The worker's process from the built worker jar. */
    public static JvmCommand worker() {
        return JvmCommand.worker(home(), buildDirectory());
    }

    private static void pump(Process process, Path log, CompletableFuture<String> url) {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IOException("the server's output ended before it said where it listens"));
    }

    /** A running server process, and the admin token its first start wrote. */
    public record ServerProcess(Process process, String url, Path log, String adminToken) implements AutoCloseable {
        /**
         * Keyed by the process, not the URL: a server started later in the same JVM can get the port
         * of one that has stopped, and a token of the stopped server's database is unknown to it.
         */
        private static final Map<Process, String> WORKER_TOKENS = Collections.synchronizedMap(new WeakHashMap<>());

        /** A client with the admin token. */
        public TunelabClient client() {
            return TunelabClient.connect(url, adminToken);
        }

        /** A token of the {@code worker} scope for this server's workers, made once per server. */
        public String workerToken() {
            return WORKER_TOKENS.computeIfAbsent(process, p -> {
                try (TunelabClient admin = client()) {
                    return admin.createToken("workers-" + Long.toString(System.nanoTime(), 36), List.of("worker")).secret();
                }
            });
        }

        /** Kills the process with SIGKILL, as a crash would, and waits for it to be gone. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A running worker process. */
    public record WorkerProcess(Process process, Path log) implements AutoCloseable {
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM, then waits up to {@code grace} for the worker to finish or release its trials. */
        public boolean terminate(Duration grace) throws InterruptedException {
            process.destroy();
            return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
