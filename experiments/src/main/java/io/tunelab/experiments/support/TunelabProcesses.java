package io.tunelab.experiments.support;

import io.tunelab.client.TunelabClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts real Tunelab processes for end-to-end tests: a server from the built server jar on a
 * free port with its own data directory, and workers from the built worker jar. Each process's
 * output goes to a log file beside the data directory, so a failing test can show it.
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

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String classpath(String module) {
        Path target = home().resolve(module).resolve(System.getProperty("tunelab.target", "target"));
        Path jar = target.resolve("tunelab-" + module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is not built; run mvn package (the reactor builds it before these tests)");
        }
        return jar + ":" + target.resolve("lib") + "/*";
    }

    /** Starts a server on a free port with its data in {@code dataDir}; returns once it answers. */
    public static ServerProcess startServer(Path dataDir, String... extraArgs) throws IOException {
        Files.createDirectories(dataDir);
        var command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath("server"),
                "io.tunelab.server.Main", "server", "--port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(extraArgs));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var url = new CompletableFuture<String>();
        Thread.ofPlatform().daemon(true).start(() -> pump(process, log, url));
        try {
            String u = url.get(60, TimeUnit.SECONDS);
            return new ServerProcess(process, u, log);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the server did not start; its output is in " + log + ":\n" + Files.readString(log), e);
        }
    }

    /** Starts a worker serving {@code url} with {@code slots} slots. */
    public static WorkerProcess startWorker(String url, int slots, Path log, String... extraArgs) throws IOException {
        var command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-cp", classpath("worker"),
                "io.tunelab.worker.Main", "worker", "--server", url, "--slots", Integer.toString(slots)));
        command.addAll(List.of(extraArgs));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        return new WorkerProcess(builder.start(), log);
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

    /** A running server process. */
    public record ServerProcess(Process process, String url, Path log) implements AutoCloseable {
        public TunelabClient client() {
            return TunelabClient.connect(url);
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
