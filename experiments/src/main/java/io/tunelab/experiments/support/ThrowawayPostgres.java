package io.tunelab.experiments.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for the programs and tests of this module that run Tunelab on
 * PostgreSQL as a team would: {@code initdb} into a temporary directory, {@code pg_ctl start} on
 * a free loopback port, {@code createdb} for each database; {@link #close()} stops it and deletes
 * the directory. It runs as {@code nobody} when this process is root (PostgreSQL refuses root).
 * Logins from the loopback address are trusted, so the password file handed to a server is empty.
 * With {@code durable}, commits are flushed to disk ({@code fsync=on}), as a benchmark of durable
 * round trips needs; without, they are not, which is faster for tests of behaviour.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    public static final String USER = "tunelab";
    private static final long TIMEOUT_SECONDS = 120;

    private final Path root;
    private final Path bin;
    private final Optional<String> runAs;
    private final int port;

    private ThrowawayPostgres(Path root, Path bin, Optional<String> runAs, int port) {
        this.root = root;
        this.bin = bin;
        this.runAs = runAs;
        this.port = port;
    }

    /** Creates and starts a cluster. */
    public static ThrowawayPostgres start(boolean durable) throws IOException {
        return start(durable, false);
    }

    /**
     * Creates and starts a cluster; with {@code statements}, {@code pg_stat_statements} is loaded,
     * so that a benchmark can count the statements each database ran ({@link #query}).
     */
    public static ThrowawayPostgres start(boolean durable, boolean statements) throws IOException {
        Optional<String> runAs = "root".equals(System.getProperty("user.name")) ? Optional.of("nobody") : Optional.empty();
        Path root = Files.createTempDirectory("tunelab-team-pg-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectory(root.resolve("socket"));
        Files.writeString(root.resolve("password"), "");
        if (runAs.isPresent()) {
            var owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs.get());
            for (Path p : List.of(root, root.resolve("socket"))) {
                Files.setOwner(p, owner);
            }
        }
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var pg = new ThrowawayPostgres(root, binaries(), runAs, port);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
        pg.run("initdb", "-D", pg.data().toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        pg.run("pg_ctl", "-D", pg.data().toString(), "-l", root.resolve("server.log").toString(), "-w", "-t", Long.toString(TIMEOUT_SECONDS),
                "-o", "-p " + port + " -k " + root.resolve("socket") + " -c listen_addresses=127.0.0.1 -c max_connections=300"
                        + (durable ? " -c fsync=on" : " -c fsync=off -c full_page_writes=off")
                        + (statements ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=off" : ""),
                "start");
        return pg;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) {
        run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, name);
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    /** Runs {@code sql} with {@code psql} on {@code database}; answers its rows, one a line, columns separated by {@code |}. */
    public String query(String database, String sql) {
        return run("psql", "-X", "-A", "-t", "-q", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", database, "-c", sql);
    }

    public int port() {
        return port;
    }

    /** The empty password file a server's {@code --db-password-file} names. */
    public Path passwordFile() {
        return root.resolve("password");
    }

    @Override
    public void close() {
        if (Files.exists(data().resolve("postmaster.pid"))) {
            try {
                run("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop");
            } catch (RuntimeException e) {
                System.err.println("stopping the throwaway PostgreSQL: " + e.getMessage());
            }
        }
        if (!Files.exists(root)) {
            return; // closed already
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + root + ": " + e.getMessage());
        }
    }

    private Path data() {
        return root.resolve("data");
    }

    private String run(String program, String... args) {
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
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + program + "; install PostgreSQL (apt-get install postgresql)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    /** Debian's newest PostgreSQL ({@code /usr/lib/postgresql/N/bin}). */
    private static Path binaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            }
        }
        throw new IOException("no PostgreSQL under " + debian + "; install it: apt-get install postgresql");
    }
}
