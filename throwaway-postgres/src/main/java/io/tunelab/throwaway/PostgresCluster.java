package io.tunelab.throwaway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server: {@link #start} runs {@code initdb} into a new temporary
 * directory and {@code pg_ctl start} on a free port, listening on the loopback address only, with
 * its unix socket in that directory; {@link #close()} stops it and deletes the directory.
 * PostgreSQL refuses to run as root, so when this process does, the cluster belongs to and runs as
 * the unprivileged user {@code nobody} (through {@code runuser}).
 *
 * <p>The binaries are Debian's ({@code /usr/lib/postgresql/VERSION/bin}, the newest version
 * there) or else the ones on the {@code PATH}. Without them {@link #start} fails with a message
 * saying to install PostgreSQL: a test that needs it fails rather than silently skipping.
 *
 * <p>One superuser, {@link #USER} with {@link #PASSWORD} (also in {@link #passwordFile()}), logs
 * in with a password (scram-sha-256), so wrong passwords are refused as on a real server, unless
 * the {@link Options} trust every login from the loopback address. Thread-safe.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "tunelab";
    public static final String PASSWORD = "throwaway-secret";
    private static final String RUN_AS = "nobody";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final long TIMEOUT_SECONDS = 120;
    private static PostgresCluster shared;

    private final Path root;
    private final Path bin;
    private final Optional<String> runAs;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * How a cluster runs.
     *
     * @param trust          every login from the loopback address is let in without a password
     *                       check, for clients that send none
     * @param durable        commits are flushed to disk ({@code fsync=on}), as a benchmark of
     *                       durable round trips needs; otherwise not, which is faster for tests of behaviour
     * @param statements     {@code pg_stat_statements} is loaded, so that {@link #query} can count
     *                       the statements each database ran
     * @param maxConnections {@code max_connections}, or 0 for PostgreSQL's default
     */
    public record Options(boolean trust, boolean durable, boolean statements, int maxConnections) {
        /** For tests: password logins, no fsync, PostgreSQL's default number of connections. */
        public static final Options TESTS = new Options(false, false, false, 0);

        public Options {
            if (maxConnections < 0) {
                throw new IllegalArgumentException("maxConnections must be 0 (the default) or more, got " + maxConnections);
            }
        }

        /** For a team of servers, workers and clients on one cluster: trusted logins and 300 connections. */
        public static Options team(boolean durable, boolean statements) {
            return new Options(true, durable, statements, 300);
        }
    }

    private PostgresCluster(Path root, Path bin, Optional<String> runAs, int port) {
        this.root = root;
        this.bin = bin;
        this.runAs = runAs;
        this.port = port;
    }

    /**
     * The one cluster of this JVM, started with {@link Options#TESTS} on first use and stopped and
     * deleted when the JVM exits; test classes share it, each in databases of its own ({@link #createDatabase}).
     */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start(Options.TESTS);
        }
        return shared;
    }

    /** Creates and starts a cluster with {@link Options#TESTS}. */
    public static PostgresCluster start() {
        return start(Options.TESTS);
    }

    /** Creates and starts a cluster; stop it with {@link #close()} (a JVM shutdown hook does so too). */
    public static PostgresCluster start(Options options) {
        Path bin = binaries();
        Optional<String> runAs = "root".equals(System.getProperty("user.name")) ? Optional.of(RUN_AS) : Optional.empty();
        Path root;
        try {
            root = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tunelab-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(root.resolve("socket"));
            Files.writeString(root.resolve("password"), PASSWORD + "\n");
            if (runAs.isPresent()) {
                UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs.get());
                for (Path p : List.of(root, root.resolve("socket"), root.resolve("password"))) {
                    Files.setOwner(p, owner);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a directory for a throwaway PostgreSQL cluster", e);
        }
        var cluster = new PostgresCluster(root, bin, runAs, freePort());
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        String settings = "-p " + cluster.port + " -k " + root.resolve("socket") + " -c listen_addresses=127.0.0.1"
                + (options.durable() ? " -c fsync=on" : " -c fsync=off -c full_page_writes=off")
                + (options.maxConnections() > 0 ? " -c max_connections=" + options.maxConnections() : "")
                + (options.statements() ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=off" : "");
        try {
            cluster.run("initdb", "-D", cluster.data().toString(), "-U", USER, "--pwfile=" + root.resolve("password"),
                    "-A", options.trust() ? "trust" : "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            cluster.run("pg_ctl", "-D", cluster.data().toString(), "-l", root.resolve("server.log").toString(), "-w",
                    "-t", Long.toString(TIMEOUT_SECONDS), "-o", settings, "start");
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The port the server listens on, at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The JDBC URL of a database of this cluster. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The file holding {@link #PASSWORD}, as a server's {@code --db-password-file} takes it. */
    public Path passwordFile() {
        return root.resolve("password");
    }

    /** Creates an empty database owned by {@link #USER} and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a database name here is lower-case letters, digits and _, starting with a letter; got \"" + name + "\"");
        }
        run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-O", USER, name);
        return url(name);
    }

    /** Runs {@code sql} with {@code psql} on {@code database}; answers its rows, one a line, columns separated by {@code |}. */
    public String query(String database, String sql) {
        return run("psql", "-X", "-A", "-t", "-q", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", database, "-c", sql);
    }

    /** Stops the server at once and deletes its directory; does nothing the second time. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                run("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop");
            }
        } finally {
            delete(root);
        }
    }

    private Path data() {
        return root.resolve("data");
    }

    /**
     * Runs a PostgreSQL program (as the unprivileged user if there is one, with {@link #PASSWORD}
     * for its logins); answers its output, or fails with it unless the program exits 0.
     */
    private String run(String program, String... args) {
        var command = new ArrayList<String>();
        runAs.ifPresent(user -> command.addAll(List.of("runuser", "-u", user, "--")));
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        try {
            var builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
            builder.environment().put("LC_ALL", "C");
            builder.environment().put("PGPASSWORD", PASSWORD);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                        + new String(output, StandardCharsets.UTF_8) + serverLog());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + program, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    private String serverLog() {
        Path log = root.resolve("server.log");
        try {
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The directory of initdb and pg_ctl: Debian's newest, else the PATH's; fails saying to install PostgreSQL. */
    static Path binaries() {
        var candidates = new ArrayList<Path>();
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString())).reversed())
                        .map(v -> v.resolve("bin"))
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + debian, e);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir));
            }
        }
        return candidates.stream()
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: a throwaway PostgreSQL server "
                        + "needs its initdb and pg_ctl (looked in /usr/lib/postgresql/*/bin and on the PATH). "
                        + "Install it: apt-get install postgresql (.ci/run and ./tunelab test do so when run as root)."));
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the throwaway cluster's directory " + dir, e);
        }
    }
}
