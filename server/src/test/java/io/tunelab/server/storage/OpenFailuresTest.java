package io.tunelab.server.storage;

import io.tunelab.api.TunelabException;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A database that cannot be opened is named in words with what to do: a real PostgreSQL server
 * (a throwaway cluster) refusing a wrong password or an unknown user, lacking the database, or not
 * listening; a real H2 file held by another open storage, a data directory that cannot be made, a
 * damaged database file. No message carries a JDBC URL, a password or the database's own words.
 */
class OpenFailuresTest {
    @TempDir
    Path dir;

    private static String refusal(Database database) {
        TunelabException e = catchThrowableOfType(TunelabException.class, () -> JdbcStorage.open(database, Durability.PROCESS));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).doesNotContain("jdbc:").doesNotContain("FATAL").doesNotContain("Exception")
                .doesNotContain(PostgresCluster.PASSWORD).doesNotContain("wrong-secret");
        return e.getMessage();
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsALoginRefusedWithoutThePassword() {
        String url = PostgresCluster.shared().createDatabase("open_failures");
        String where = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
        assertThat(refusal(new Database.Postgres(url, PostgresCluster.USER, "wrong-secret")))
                .isEqualTo("PostgreSQL at " + where + " refused the login of user \"" + PostgresCluster.USER + "\": authentication "
                        + "failed (a wrong password, or no such user); check the user, and that the password file holds that user's "
                        + "password on its first line");
        assertThat(refusal(new Database.Postgres(url, "nobody_here", PostgresCluster.PASSWORD)))
                .startsWith("PostgreSQL at " + where + " refused the login of user \"nobody_here\"");
    }

    @Test
    void aMissingDatabaseIsNamedWithHowToCreateIt() {
        String url = PostgresCluster.shared().url("no_such_database");
        String where = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
        assertThat(refusal(new Database.Postgres(url, PostgresCluster.USER, PostgresCluster.PASSWORD)))
                .isEqualTo("PostgreSQL at " + where + " has no database \"no_such_database\"; create it (createdb -O "
                        + PostgresCluster.USER + " no_such_database) or fix the database's name in the URL");
    }

    @Test
    void aPortNobodyListensOnIsUnreachable() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var nobody = new Database.Postgres("jdbc:postgresql://127.0.0.1:" + port + "/tunelab", "tl", "wrong-secret");
        assertThat(refusal(nobody)).isEqualTo("cannot reach PostgreSQL at 127.0.0.1:" + port + ": nothing accepts connections "
                + "there; start the database server, or fix the host and port in the database URL");
    }

    @Test
    void anEmbeddedDatabaseInUseByAnotherServerIsNamedAsSo() {
        Path data = dir.resolve("data");
        try (Storage first = JdbcStorage.openDataDirectory(data)) {
            assertThat(refusal(Database.embedded(data))).isEqualTo("another Tunelab server uses this data directory ("
                    + data.toAbsolutePath() + "): its database file is locked by that server's process; stop that server first, "
                    + "or give another data directory");
            assertThat(first.experiments()).isEmpty();
        }
    }

    @Test
    void aDataDirectoryThatCannotBeMadeOrADamagedFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path under = file.resolve("data");
        assertThat(refusal(Database.embedded(under))).isEqualTo("cannot make or write the data directory " + under.toAbsolutePath()
                + " (Not a directory); give a data directory in a place this user may write");
        Path damaged = Files.createDirectory(dir.resolve("damaged"));
        Files.write(H2Dialect.file(damaged), new byte[8192]);
        assertThat(refusal(Database.embedded(damaged))).startsWith("cannot open the database in " + damaged.toAbsolutePath()
                + " (its file tunelab.mv.db may be damaged or of another program); the server's log has the database's message");
    }
}
