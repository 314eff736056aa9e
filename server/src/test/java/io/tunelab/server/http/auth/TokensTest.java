package io.tunelab.server.http.auth;

import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredToken;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer tokens as a request sees them: a secret that worked is refused the moment its token is revoked, and never kept. */
class TokensTest {
    @RegisterExtension
    final Storages storages = new Storages();

    @TempDir
    Path dir;

    private Storage embedded() {
        return storages.openDataDirectory(dir);
    }

    @Test
    void aSecretUsedBeforeIsRefusedAtOnceWhenItsTokenIsRevoked() {
        var tokens = new Tokens(embedded(), InstantSource.system());
        String secret = tokens.create("ci", Set.of(Scope.WRITE)).secret();
        assertThat(tokens.authenticate(secret)).map(Principal::name).contains("ci");
        assertThat(tokens.authenticate(secret)).map(Principal::scopes).contains(Set.of(Scope.WRITE));

        tokens.revoke("ci");

        assertThat(tokens.authenticate(secret)).isEmpty();
        assertThat(tokens.active("ci")).isEmpty();
    }

    @Test
    void anotherTokensSecretOrAnAlteredSecretIsNotTakenForOneThatWorked() {
        var tokens = new Tokens(embedded(), InstantSource.system());
        String ci = tokens.create("ci", Set.of(Scope.WRITE)).secret();
        String reader = tokens.create("reader", Set.of(Scope.READ)).secret();
        assertThat(tokens.authenticate(ci)).isPresent();

        assertThat(tokens.authenticate(reader)).map(Principal::name).contains("reader");
        assertThat(tokens.authenticate(ci.substring(0, ci.length() - 1) + (ci.endsWith("A") ? "B" : "A"))).isEmpty();
        assertThat(tokens.authenticate(ci + "x")).isEmpty();
        tokens.revoke("reader");
        assertThat(tokens.authenticate(ci)).map(Principal::name).contains("ci");
        assertThat(tokens.authenticate(reader)).isEmpty();
    }

    /** Revoking the last live admin token would lock every admin out for good (a restart makes no new one). */
    @Test
    void theLastAdminTokenIsNotRevokedAndAnotherCanBe() {
        var tokens = new Tokens(embedded(), InstantSource.system());
        String admin = tokens.createAdminOnFirstStart().orElseThrow();
        tokens.create("ci", Set.of(Scope.WRITE));
        assertThatThrownBy(() -> tokens.revoke(Tokens.ADMIN))
                .isInstanceOf(TunelabException.class).hasMessageContaining("is the last admin token")
                .hasMessageContaining("tunelab token create --scope admin");
        assertThat(tokens.authenticate(admin)).as("unchanged").isPresent();

        tokens.create("second-admin", Set.of(Scope.ADMIN, Scope.READ));
        tokens.revoke(Tokens.ADMIN);
        assertThat(tokens.authenticate(admin)).isEmpty();
        assertThatThrownBy(() -> tokens.revoke("second-admin")).hasMessageContaining("is the last admin token");
        assertThat(tokens.revoke(Tokens.ADMIN).revoked()).as("revoking a revoked token changes nothing").isNotNull();
    }

    @Test
    void aTokenRevokedOnAnotherCoordinatorIsRefusedHereAfterTheNextReload() {
        var db = Storages.newPostgresDatabase("tokens_revoke");
        Storage first = storages.open(db);
        Storage second = storages.open(db);
        var here = new Tokens(first, InstantSource.system());
        var there = new Tokens(second, InstantSource.system());
        String secret = there.create("worker-1", Set.of(Scope.WORKER)).secret();
        here.reload();
        assertThat(here.authenticate(secret)).map(Principal::name).contains("worker-1");
        assertThat(here.authenticate(secret)).isPresent();

        there.revoke("worker-1");
        assertThat(there.authenticate(secret)).isEmpty();
        here.reload(); // what the server does every 5 seconds on a shared database

        assertThat(here.authenticate(secret)).isEmpty();
    }

    /**
     * Two coordinators on one PostgreSQL database revoking the last two admin tokens at the same
     * moment: each saw the other's token live before the other's revocation committed, so a check
     * made before the write let both through and left no admin token. The second waits for the
     * first's write, then reads its token revoked and is refused.
     */
    @Test
    void twoCoordinatorsRevokingTheLastTwoAdminTokensAtOnceLeaveOne() throws Exception {
        var db = Storages.newPostgresDatabase("tokens_last_admin");
        Storage first = storages.open(db);
        Storage second = storages.open(db);
        var here = new Tokens(first, InstantSource.system());
        String admin = here.createAdminOnFirstStart().orElseThrow();
        String other = here.create("second-admin", Set.of(Scope.ADMIN)).secret();
        var there = new Tokens(second, InstantSource.system());
        StoredToken adminRow = first.tokens().stream().filter(t -> t.name().equals(Tokens.ADMIN)).findFirst().orElseThrow();

        var locked = new CountDownLatch(1);
        var firstRevocation = Executors.newVirtualThreadPerTaskExecutor().submit(() -> first.write(c -> {
            assertThat(c.lockLiveTokens()).extracting(StoredToken::name).containsExactly(Tokens.ADMIN, "second-admin");
            locked.countDown();
            sleep(Duration.ofMillis(500)); // the other coordinator's revoke runs meanwhile
            c.revokeToken(new StoredToken(adminRow.name(), adminRow.scopes(), adminRow.hash(), adminRow.created(), Instant.now()));
        }));
        locked.await();

        assertThatThrownBy(() -> there.revoke("second-admin")).isInstanceOf(TunelabException.class)
                .hasMessageContaining("\"second-admin\" is the last admin token");
        firstRevocation.get();
        here.reload();
        there.reload();
        assertThat(here.authenticate(admin)).isEmpty();
        assertThat(there.authenticate(other)).as("one admin token stays live").map(Principal::scopes).contains(Set.of(Scope.ADMIN));
        assertThat(here.authenticate(other)).isPresent();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTokenWithoutANameOrWithAnOverlongOneIsRefusedSayingSo() {
        var tokens = new Tokens(embedded(), InstantSource.system());
        assertThatThrownBy(() -> tokens.create(null, Set.of(Scope.READ))).isInstanceOf(TunelabException.class)
                .hasMessageStartingWith("a token needs a name; use 1 to 64 letters");
        assertThatThrownBy(() -> tokens.create("n".repeat(100_000), Set.of(Scope.READ)))
                .hasMessage("a token name of 100000 characters is not valid; use 1 to 64 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit, as gpu-box-1");
        assertThat(tokens.list()).isEmpty();
    }

    @Test
    void noSecretIsHeldInMemoryAfterItAuthenticated() throws IllegalAccessException {
        var tokens = new Tokens(embedded(), InstantSource.system());
        String secret = tokens.create("ci", Set.of(Scope.WRITE)).secret();
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(tokens.authenticate(" " + secret + " ")).as("surrounding blanks are ignored").isPresent();

        for (var field : Tokens.class.getDeclaredFields()) {
            field.setAccessible(true);
            Object value = field.get(Modifier.isStatic(field.getModifiers()) ? null : tokens);
            assertThat(String.valueOf(value)).as(field.getName()).doesNotContain(secret.substring(3));
        }
    }
}
