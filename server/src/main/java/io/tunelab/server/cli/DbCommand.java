package io.tunelab.server.cli;

import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.DatabaseCopy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tunelab db ...}: work on a server's database while no server uses it. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Works on a Tunelab database while no server uses it.",
        subcommands = DbCommand.Copy.class)
final class DbCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code tunelab db copy --from DATA_DIR --to jdbc:postgresql://HOST:PORT/DB --to-user U
     * [--to-password-file F]}: every row of an embedded database into an empty PostgreSQL one.
     */
    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = "Copies the embedded database of a data directory, every id, trial, report, model, data report "
                    + "and token, into an empty PostgreSQL database. Stop the server first; the source is only read.")
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
