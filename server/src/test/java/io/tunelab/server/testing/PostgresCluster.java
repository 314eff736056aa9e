package io.tunelab.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: {@link #start()} runs {@code initdb} into a new
 * temporary directory and {@code pg_ctl start} on a free port, listening on the loopback address
 * only, with its unix socket in that directory; {@link #close()} stops it and deletes the
 * directory. PostgreSQL refuses to run as root, so when the tests do, the cluster belongs to and
 * runs as the unprivileged user {@code nobody} (through {@code runuser}).
 *
 * <p>The binaries are Debian's ({@code /usr/lib/postgresql/VERSION/bin}, the newest version
 * there) or else the ones on the {@code PATH}. Without them {@link #start()} fails with a message
 * saying to install PostgreSQL: a test that needs it fails rather than silently skipping.
 *
 * <p>One superuser, {@link #USER} with {@link #PASSWORD}, logs in with a password
 * (scram-sha-256), so wrong passwords are refused as on a real server. The server runs with
 * {@code fsync=off}: the tests check behaviour, not what survives a power loss, and it is faster.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "tunelab";
    public static final String PASSWORD = "throwaway-secret";
    private static final String RUN_AS = "nobody";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final long TIMEOUT_SECONDS = 120;

    private final Path root;
    private final Path bin;
    private final Optional<String> runAs;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private static PostgresCluster shared;

    private PostgresCluster(Path root, Path bin, Optional<String> runAs, int port) {
        this.root = root;
        this.bin = bin;
        this.runAs = runAs;
        this.port = port;
    }

    /**
     * The one cluster of this JVM, started on first use and stopped and deleted when the JVM
     * exits; test classes share it, each in databases of its own ({@link #createDatabase}).
     */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** Creates and starts a cluster; stop it with {@link #close()} (a JVM shutdown hook does so too). */
    public static PostgresCluster start() {
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
        try {
            cluster.run("initdb", "-D", cluster.data().toString(), "-U", USER, "--pwfile=" + root.resolve("password"),
                    "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            cluster.run("pg_ctl", "-D", cluster.data().toString(), "-l", root.resolve("server.log").toString(), "-w",
                    "-t", Long.toString(TIMEOUT_SECONDS), "-o", "-p " + cluster.port + " -k " + root.resolve("socket")
                            + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start");
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

    /** Creates an empty database owned by {@link #USER} and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a database name here is lower-case letters, digits and _, starting with a letter; got \"" + name + "\"");
        }
        try (var c = DriverManager.getConnection(url("postgres"), USER, PASSWORD); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
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

    /** Runs a PostgreSQL program (as the unprivileged user if there is one); fails with its output unless it exits 0. */
    private void run(String program, String... args) {
        var command = new ArrayList<String>();
        runAs.ifPresent(user -> command.addAll(List.of("runuser", "-u", user, "--")));
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        try {
            var builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
            builder.environment().put("LC_ALL", "C");
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
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: these tests start a throwaway "
                        + "PostgreSQL server and need its initdb and pg_ctl (looked in /usr/lib/postgresql/*/bin and on the PATH). "
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
