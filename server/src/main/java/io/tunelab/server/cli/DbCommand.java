package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Token;
import io.tunelab.api.TunelabException;
import io.tunelab.server.http.ApiServer;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.http.auth.Tokens;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.DatabaseCopy;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code tunelab db ...}: work on a server's database while no server uses it. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Works on a Tunelab database while no server uses it.",
        subcommands = {DbCommand.Copy.class, DbCommand.AdminToken.class})
final class DbCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    /**
     * {@code tunelab db copy --from DATA_DIR --to jdbc:postgresql://HOST:PORT/DB --to-user U
     * [--to-password-file F]}: every row of an embedded database into an empty PostgreSQL one.
     */
    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = "Copies the embedded database of a data directory, every id, trial, report, model, data report, "
                    + "token and stored answer to a request id, into an empty PostgreSQL database. Stop the server first; the source is only read.")
    static final class Copy implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "DATA_DIR", description = "the data directory of the embedded database")
        Path from;
        @CommandLine.Mixin
        Target target;

        @Override
        public Integer call() {
            Database to = target.database();
            var copied = DatabaseCopy.copy(Database.embedded(from), to);
            System.out.println("copied " + from + " to " + to.describe() + ":");
            copied.rows().forEach((table, rows) -> System.out.printf("  %-14s %,d rows%n", table, rows));
            System.out.println("start the server with --db " + ((Database.Postgres) to).url() + " --db-user "
                    + ((Database.Postgres) to).user() + "; the old data directory is unchanged");
            return 0;
        }
    }

    /**
     * {@code tunelab db admin-token [--data-dir D | --db URL --db-user U ...]}: a new admin token
     * for a database whose admin token is lost (its file deleted, or the last one revoked before
     * that was refused): only whoever may read the database may make one, and no server may run
     * on an embedded database meanwhile (its file lock refuses a second opener).
     */
    @Command(name = "admin-token", mixinStandardHelpOptions = true,
            description = "Makes a new admin token when the admin token is lost; prints its secret once and, for the "
                    + "embedded database, writes it to DATA_DIR/admin.token. Stop the server first.")
    static final class AdminToken implements Callable<Integer> {
        @CommandLine.Mixin
        DatabaseOptions database;

        @Override
        public Integer call() {
            Database db = database.database();
            if (db instanceof Database.Embedded embedded && !embedded.exists()) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "there is no Tunelab database in " + embedded.describe()
                        + "; give the --data-dir a server ran with");
            }
            try (Storage storage = JdbcStorage.open(db, Durability.PROCESS)) {
                var tokens = new Tokens(storage, InstantSource.system());
                if (tokens.list().isEmpty()) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "no server has started on " + db.describe()
                            + " yet; start one, and it makes the admin token");
                }
                Token token = tokens.create("admin-" + Long.toString(System.currentTimeMillis(), 36), Set.of(Scope.ADMIN));
                System.out.println("made the admin token \"" + token.name() + "\"; its secret, shown this once:");
                System.out.println(token.secret());
                if (db instanceof Database.Embedded) {
                    Path file = database.dataDir().resolve(ApiServer.ADMIN_TOKEN_FILE);
                    ApiServer.writeOwnerOnly(file, token.secret());
                    System.out.println("written to " + file.toAbsolutePath() + " (mode 600), where the CLI reads it");
                }
                return 0;
            }
        }
    }

    /** The target's flags, read as {@link DatabaseOptions} reads a server's {@code --db} flags. */
    static final class Target {
        @Option(names = "--to", required = true, paramLabel = "jdbc:postgresql://HOST:PORT/DB", description = "the empty PostgreSQL database to copy into")
        String url;
        @Option(names = "--to-user", paramLabel = "USER", description = "the PostgreSQL user to log in as")
        String user;
        @Option(names = "--to-password-file", paramLabel = "FILE", description = "a file holding that user's password on its first line")
        Path passwordFile;

        Database database() {
            return DatabaseOptions.postgres(new DatabaseOptions.Flags("--to", "--to-user", "--to-password-file"), url, user, passwordFile);
        }
    }
}
