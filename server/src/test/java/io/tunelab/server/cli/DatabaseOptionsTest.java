package io.tunelab.server.cli;

import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab server}'s database flags: the embedded default, PostgreSQL, and every bad combination. */
class DatabaseOptionsTest {
    @TempDir
    Path dir;

    private static ServerConfig config(String... args) {
        return CommandLine.populateCommand(new TunelabCommand.Server(), args).config();
    }

    private void refused(String message, String... args) {
        var run = TunelabCommandTest.run(args);
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        assertThat(dir.resolve("data")).as("nothing created").doesNotExist();
    }

    @Test
    void withoutFlagsTheDataIsInTheEmbeddedDatabaseInTunelabData() {
        assertThat(config().database()).isEqualTo(new Database.Embedded(Path.of("./tunelab-data")));
        assertThat(config("--data-dir", dir.toString()).database()).isEqualTo(new Database.Embedded(dir));
    }

    @Test
    void dbUserAndPasswordFileNameAPostgresDatabaseWithThePasswordsFirstLine() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cret pass\nignored\n");
        var config = config("--db", "jdbc:postgresql://db.example:5432/tunelab", "--db-user", "tl", "--db-password-file", secret.toString());
        assertThat(config.database()).isEqualTo(new Database.Postgres("jdbc:postgresql://db.example:5432/tunelab", "tl", "s3cret pass"));
        assertThat(config.database().toString()).doesNotContain("s3cret");
        assertThat(config.database().describe()).isEqualTo("jdbc:postgresql://db.example:5432/tunelab as tl").doesNotContain("s3cret");
        assertThat(config("--db", "jdbc:postgresql://localhost/t", "--db-user", "tl").database())
                .as("no password file: an empty password, for servers that ask for none")
                .isEqualTo(new Database.Postgres("jdbc:postgresql://localhost/t", "tl", ""));
    }

    @Test
    void aUrlThatIsNotPostgresqlIsRefused() {
        refused("--db: a PostgreSQL database is named by a URL like jdbc:postgresql://HOST:PORT/DB, got \"mysql://h/db\"",
                "server", "--db", "mysql://h/db", "--db-user", "u", "--port", "0");
        refused("got \"jdbc:postgresql://\"", "server", "--db", "jdbc:postgresql://", "--db-user", "u", "--port", "0");
    }

    @Test
    void aUrlHoldingAPasswordIsRefusedWithoutRepeatingIt() {
        String data = dir.resolve("data").toString();
        for (String url : new String[]{"postgresql://tl:s3cret@db.example/tunelab", "jdbc:postgresql://tl:s3cret@db.example/tunelab",
                "jdbc:postgresql://db.example/tunelab?user=tl&password=s3cret", "jdbc:postgresql://db.example/tunelab?sslpassword=s3cret"}) {
            var run = TunelabCommandTest.run("server", "--db", url, "--db-user", "tl", "--data-dir", data, "--port", "0");
            assertThat(run.exit()).as(url).isEqualTo(2);
            assertThat(run.err()).as(url).doesNotContain("s3cret").contains("the URL holds a user or password (user:password@ or "
                    + "?password=), which would show in the process list; give the URL as jdbc:postgresql://HOST:PORT/DB, the user in "
                    + "--db-user and the password in --db-password-file");
        }
        assertThat(dir.resolve("data")).as("nothing created").doesNotExist();
        assertThat(new Database.Postgres("jdbc:postgresql://tl:pa/s@s@db.example:5432/t?password=x", "tl", "").describe())
                .isEqualTo("jdbc:postgresql://db.example:5432/t as tl");
        assertThat(new Database.Postgres("jdbc:postgresql://db.example:5432/t?ssl=true", "tl", "").describe())
                .isEqualTo("jdbc:postgresql://db.example:5432/t as tl");
    }

    @Test
    void dbWithoutAUserIsRefused() {
        refused("--db needs --db-user", "server", "--db", "jdbc:postgresql://h/db", "--port", "0");
    }

    @Test
    void userOrPasswordFileWithoutDbIsRefused() {
        refused("--db-user and --db-password-file go with --db", "server", "--db-user", "u", "--data-dir",
                dir.resolve("data").toString(), "--port", "0");
        refused("--db-user and --db-password-file go with --db", "server", "--db-password-file", "f", "--data-dir",
                dir.resolve("data").toString(), "--port", "0");
    }

    @Test
    void aDataDirBesideDbHoldsOnlyTheAdminTokenFile() {
        var config = config("--db", "jdbc:postgresql://h/db", "--db-user", "u", "--data-dir", dir.toString());
        assertThat(config.database()).isEqualTo(new Database.Postgres("jdbc:postgresql://h/db", "u", ""));
        assertThat(config.dataDir()).isEqualTo(dir);
    }

    @Test
    void aMissingPasswordFileIsRefused() {
        refused("--db-password-file " + dir.resolve("nope") + " is not a readable file", "server", "--db", "jdbc:postgresql://h/db",
                "--db-user", "u", "--db-password-file", dir.resolve("nope").toString(), "--port", "0");
    }
}
