package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Database;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The flags that say where a server keeps its data: {@code --data-dir} for the embedded H2
 * database (the default, {@code ./tunelab-data}), or {@code --db}, {@code --db-user} and
 * {@code --db-password-file} for PostgreSQL.
 */
final class DatabaseOptions {
    static final Path DEFAULT_DATA_DIR = Path.of("./tunelab-data");

    @Option(names = "--data-dir", description = "where the embedded database lives, and the admin token file "
            + "(default ./tunelab-data; with --db only the token file)")
    Path dataDir;
    @Option(names = "--db", paramLabel = "jdbc:postgresql://HOST:PORT/DB",
            description = "keep the data in this PostgreSQL database instead of the embedded one")
    String db;
    @Option(names = "--db-user", paramLabel = "USER", description = "the PostgreSQL user to log in as (with --db)")
    String dbUser;
    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "a file holding that user's password on its first line (with --db; leave out when the server asks for none)")
    Path dbPasswordFile;

    /**
     * The server's data directory (default {@code ./tunelab-data}): the embedded database's and
     * the admin token file's; with {@code --db} the token file's only.
     */
    Path dataDir() {
        return dataDir == null ? DEFAULT_DATA_DIR : checkDataDir(dataDir, "--data-dir");
    }

    /** Refuses a data directory that is empty or names a file rather than a directory (a missing one is made). */
    static Path checkDataDir(Path dir, String flag) {
        if (dir.toString().isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " is empty; give a directory, as ./tunelab-data (made when missing)");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + dir + " is a file, not a directory; give a directory "
                    + "(made when missing)");
        }
        return dir;
    }

    /** The database the flags name; a bad combination is an error that names the flags and says what would be right. */
    Database database() {
        if (db == null) {
            if (dbUser != null || dbPasswordFile != null) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT,
                        "--db-user and --db-password-file go with --db jdbc:postgresql://HOST:PORT/DB; give --db too, or leave them out");
            }
            return Database.embedded(dataDir());
        }
        return postgres(new Flags("--db", "--db-user", "--db-password-file"), db, dbUser, dbPasswordFile);
    }

    /** The names of the flags that give a PostgreSQL database, for messages that name them. */
    record Flags(String url, String user, String passwordFile) {
    }

    /** A PostgreSQL database from its URL, user and password file; an error names the flag that is wrong and says what would be right. */
    static Database postgres(Flags flags, String url, String user, Path passwordFile) {
        if (Database.Postgres.holdsSecret(url)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flags.url() + " " + Database.Postgres.redacted(url) + ": the URL holds "
                    + "a user or password (user:password@ or ?password=), which would show in the process list; give the URL as "
                    + "jdbc:postgresql://HOST:PORT/DB, the user in " + flags.user() + " and the password in " + flags.passwordFile());
        }
        if (user == null || user.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flags.url() + " needs " + flags.user() + ", the PostgreSQL user to log in as");
        }
        try {
            return new Database.Postgres(url, user, password(flags, passwordFile));
        } catch (IllegalArgumentException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flags.url() + ": " + e.getMessage());
        }
    }

    /** The password file's first line, without its line break; an empty password when no file is given. */
    private static String password(Flags flags, Path file) {
        if (file == null) {
            return "";
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flags.passwordFile() + " " + file
                    + " is not a readable file; give a file holding the password on its first line");
        }
        try {
            return Files.readString(file).lines().findFirst().orElse("");
        } catch (IOException | UncheckedIOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flags.passwordFile() + " " + file
                    + " cannot be read as text (" + e.getMessage() + "); give a file holding the password on its first line");
        }
    }
}
