package io.tunelab.server.cli;

import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import io.tunelab.server.http.auth.Principal;
import io.tunelab.server.http.auth.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunelab db admin-token}: a lost admin token is replaced by whoever may open the
 * database while no server runs on it; a directory without a database, or one a server holds,
 * is refused and left as it was.
 */
class DbAdminTokenCommandTest {
    @TempDir
    Path dir;

    @Test
    void aLostAdminTokenIsReplacedWhileNoServerRuns() throws Exception {
        Path data = dir.resolve("data");
        String lost;
        try (ApiServer server = ApiServer.start(ServerConfig.of(data, 0))) {
            lost = server.newAdminToken().orElseThrow();
            TunelabCommandTest.Run held = TunelabCommandTest.run("db", "admin-token", "--data-dir", data.toString());
            assertThat(held.exit()).isEqualTo(2);
            assertThat(held.err()).contains("another Tunelab server uses this data directory");
        }
        Files.delete(data.resolve(ApiServer.ADMIN_TOKEN_FILE));

        TunelabCommandTest.Run made = TunelabCommandTest.run("db", "admin-token", "--data-dir", data.toString());
        assertThat(made.exit()).isEqualTo(0);
        String secret = Files.readString(data.resolve(ApiServer.ADMIN_TOKEN_FILE)).strip();
        assertThat(secret).startsWith("tl_").isNotEqualTo(lost);
        assertThat(made.out()).contains("made the admin token \"admin-").contains(secret).contains("mode 600");

        try (ApiServer server = ApiServer.start(ServerConfig.of(data, 0))) {
            assertThat(server.newAdminToken()).as("not a first start").isEmpty();
            assertThat(server.tokens().authenticate(secret)).map(Principal::scopes).contains(Set.of(Scope.ADMIN));
            assertThat(server.tokens().authenticate(lost)).as("the old one still works: it was lost, not revoked").isPresent();
        }
    }

    @Test
    void aDirectoryWithoutADatabaseIsRefusedAndNotCreated() {
        Path nowhere = dir.resolve("typo");
        TunelabCommandTest.Run run = TunelabCommandTest.run("db", "admin-token", "--data-dir", nowhere.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("there is no Tunelab database in").contains("give the --data-dir a server ran with");
        assertThat(nowhere).doesNotExist();
    }
}
