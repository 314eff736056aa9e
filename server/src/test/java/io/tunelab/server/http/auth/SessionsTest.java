package io.tunelab.server.http.auth;

import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser sessions and login codes kept in the database: they outlive the process that opened
 * them (a new {@link Sessions} on the same files), a logout and a used code stay ended, a token
 * keeps its newest sessions only, and on PostgreSQL two coordinators know each other's sessions
 * and codes, a code opening one session between them.
 */
class SessionsTest {
    @RegisterExtension
    final Storages storages = new Storages();

    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class Clock implements InstantSource {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T12:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    private final Clock clock = new Clock();

    @Test
    void aSessionAndALoginCodeOutliveTheProcessAndALogoutStays() {
        String kept;
        String closed;
        String code;
        try (Storage storage = JdbcStorage.openDataDirectory(dir)) {
            var sessions = new Sessions(storage, clock);
            Sessions.Session session = sessions.open("admin");
            kept = session.id();
            closed = sessions.open("admin").id();
            code = sessions.loginCode("viewer");
            assertThat(sessions.find(kept)).contains(session);
            sessions.close(closed);
            assertThat(sessions.find(closed)).isEmpty();
        }
        try (Storage storage = JdbcStorage.openDataDirectory(dir)) {
            var sessions = new Sessions(storage, clock);
            assertThat(sessions.find(kept)).hasValueSatisfying(s -> {
                assertThat(s.tokenName()).isEqualTo("admin");
                assertThat(s.csrf()).hasSize(43);
            });
            assertThat(sessions.find(closed)).as("logged out before the restart").isEmpty();
            assertThat(sessions.redeem(code)).contains("viewer");
            assertThat(sessions.redeem(code)).as("a code works once").isEmpty();
            assertThat(sessions.find("not-a-session")).isEmpty();
            assertThat(sessions.find("")).isEmpty();
            assertThat(sessions.find(null)).isEmpty();
        }
    }

    @Test
    void onlyHashesAreStored() {
        Storage storage = storages.openDataDirectory(dir);
        var sessions = new Sessions(storage, clock);
        Sessions.Session session = sessions.open("admin");
        String code = sessions.loginCode("admin");
        assertThat(storage.sessions(clock.instant())).singleElement().satisfies(row -> {
            assertThat(row.idHash()).isEqualTo(Tokens.hash(session.id())).isNotEqualTo(session.id());
            assertThat(row.csrf()).isEqualTo(session.csrf());
        });
        assertThat(storage.loginCode(code)).isEmpty();
        assertThat(storage.loginCode(Tokens.hash(code))).isPresent();
    }

    @Test
    void anExpiredSessionOrCodeIsRefusedAndTheNextLoginDeletesIt() {
        Storage storage = storages.openDataDirectory(dir);
        var sessions = new Sessions(storage, clock);
        String old = sessions.open("admin").id();
        String code = sessions.loginCode("admin");
        clock.advance(Sessions.SESSION_TTL);
        assertThat(sessions.find(old)).isEmpty();
        assertThat(sessions.redeem(code)).isEmpty();
        assertThat(new Sessions(storage, clock).find(old)).as("after a restart too").isEmpty();

        String fresh = sessions.open("admin").id();
        assertThat(storage.session(Tokens.hash(old))).as("deleted by the next login").isEmpty();
        assertThat(sessions.find(fresh)).isPresent();
    }

    @Test
    void aTokenKeepsItsNewestSessionsAndALoginBeyondThemEndsTheOldest() {
        Storage storage = storages.openDataDirectory(dir);
        var sessions = new Sessions(storage, clock);
        String other = sessions.open("viewer").id();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= Sessions.SESSIONS_PER_TOKEN; i++) {
            clock.advance(Duration.ofSeconds(1));
            ids.add(sessions.open("admin").id());
        }
        assertThat(sessions.find(ids.getFirst())).as("the oldest of %d", ids.size()).isEmpty();
        assertThat(ids.subList(1, ids.size())).allSatisfy(id -> assertThat(sessions.find(id)).isPresent());
        assertThat(sessions.find(other)).as("another token's session").isPresent();
        assertThat(storage.sessions(clock.instant())).hasSize(Sessions.SESSIONS_PER_TOKEN + 1);
        assertThat(new Sessions(storage, clock).find(ids.getFirst())).isEmpty();
    }

    @Test
    void aGuessedCodeWritesNothing() {
        Storage storage = storages.openDataDirectory(dir);
        var sessions = new Sessions(storage, clock);
        sessions.loginCode("admin");
        long writes = storage.groupCommits().orElseThrow().writes();
        for (int i = 0; i < 20; i++) {
            assertThat(sessions.redeem("guess-" + i)).isEmpty();
        }
        assertThat(storage.groupCommits().orElseThrow().writes()).isEqualTo(writes);
    }

    @Test
    void coordinatorsSharingADatabaseKnowEachOthersSessionsAndCodes() throws Exception {
        Database db = Storages.newPostgresDatabase("sessions");
        Storage first = storages.open(db);
        Storage second = storages.open(db);
        var a = new Sessions(first, clock);
        var b = new Sessions(second, clock);

        Sessions.Session opened = a.open("admin");
        assertThat(b.find(opened.id())).contains(opened);
        String code = a.loginCode("viewer");
        assertThat(b.redeem(code)).contains("viewer");
        assertThat(a.redeem(code)).as("used on the other coordinator").isEmpty();

        Sessions.Session other = b.open("admin");
        a.close(other.id());
        assertThat(new Sessions(second, clock).find(other.id())).as("a coordinator that had not read it").isEmpty();
        // One that read it before the logout trusts it no longer than the recheck.
        long deadline = System.nanoTime() + Sessions.SHARED_RECHECK.plusSeconds(5).toNanos();
        while (b.find(other.id()).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(b.find(other.id())).isEmpty();
        assertThat(b.find(opened.id())).as("the other session stays").isPresent();
    }

    @Test
    void twoCoordinatorsRedeemingOneCodeAtOnceOpenOneSession() throws Exception {
        Database db = Storages.newPostgresDatabase("codes");
        var coordinators = List.of(new Sessions(storages.open(db), clock), new Sessions(storages.open(db), clock));
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 20; round++) {
                String code = coordinators.getFirst().loginCode("admin");
                var together = new CyclicBarrier(2);
                var redeemed = new ArrayList<Future<Optional<String>>>();
                for (Sessions s : coordinators) {
                    redeemed.add(pool.submit(() -> {
                        together.await();
                        return s.redeem(code);
                    }));
                }
                int taken = 0;
                for (Future<Optional<String>> f : redeemed) {
                    taken += f.get().isPresent() ? 1 : 0;
                }
                assertThat(taken).as("round %d", round).isEqualTo(1);
            }
        }
    }
}
