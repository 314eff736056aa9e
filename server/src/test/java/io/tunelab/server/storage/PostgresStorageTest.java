package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.server.testing.Storages;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract on a real PostgreSQL server (a throwaway cluster this class starts and
 * deletes), one fresh database per case; and what is PostgreSQL's own: the schema comes from
 * Flyway's PostgreSQL scripts, a wrong password or a missing database is refused with a message
 * that says so in words ({@link OpenFailuresTest} has every such case), a second server on one
 * database is refused, and the writer commits
 * synchronously whatever the server's default.
 */
class PostgresStorageTest extends StorageContract {
    private Database database;

    private static Database freshDatabase() {
        return Storages.newPostgresDatabase("contract");
    }

    @Override
    protected Storage open() {
        database = freshDatabase();
        return JdbcStorage.open(database, Durability.PROCESS);
    }

    @Override
    protected Storage reopen(Storage storage) {
        storage.close();
        return JdbcStorage.open(database, Durability.FSYNC);
    }

    @Test
    void theSchemaIsFlywaysPostgresqlVersionAndReopeningAppliesNothingTwice() throws Exception {
        Storage s = open();
        s = reopen(s);
        s.close();
        var pg = (Database.Postgres) database;
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password()); var st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT version, script, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("1");
                assertThat(rs.getString(2)).isEqualTo("V1__initial.sql");
                assertThat(rs.getBoolean(3)).isTrue();
            }
            try (var rs = st.executeQuery("SELECT data_type FROM information_schema.columns WHERE table_name = 'model' AND column_name = 'content'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("bytea");
            }
            try (var rs = st.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("version 1 applied once").isEqualTo(1);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedAsAFailedLoginWithoutThePassword() {
        var pg = (Database.Postgres) freshDatabase();
        var wrong = new Database.Postgres(pg.url(), pg.user(), "not-the-password");
        assertThatThrownBy(() -> JdbcStorage.open(wrong, Durability.PROCESS))
                .isInstanceOf(TunelabException.class)
                .hasMessageContaining("refused the login of user \"" + pg.user() + "\": authentication failed")
                .hasMessageContaining("the password file")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void aListenerIsListeningWhenListenAnswersAndIsToldToCatchUpOnWhatCameBefore() throws Exception {
        Storage first = open();
        try (Storage second = JdbcStorage.open(database, Durability.PROCESS)) {
            first.shared().orElseThrow().notifyPeers("sent-before-listening");
            var heard = new java.util.concurrent.LinkedBlockingQueue<String>();
            second.shared().orElseThrow().listen(heard::add);

            assertThat(heard.poll(10, java.util.concurrent.TimeUnit.SECONDS)).as("catch up on what was missed").isEmpty();
            first.shared().orElseThrow().notifyPeers("sent-after-listen-answered");
            assertThat(heard.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("sent-after-listen-answered");
            assertThat(heard).isEmpty();
        } finally {
            first.close();
        }
    }

    @Test
    void twoServersShareOneDatabaseAndEachReadsWhatTheOtherWrote() {
        Storage first = open();
        try (Storage second = JdbcStorage.open(database, Durability.PROCESS)) {
            first.write(c -> c.insert(experiment(1, "from-the-first")));
            second.write(c -> c.insert(experiment(2, "from-the-second")));
            assertThat(second.experiments()).extracting(StoredExperiment::name).containsExactly("from-the-first", "from-the-second");
            assertThat(first.experiments()).extracting(StoredExperiment::name).containsExactly("from-the-first", "from-the-second");
            assertThat(first.shared()).isPresent();
            assertThat(first.shared().orElseThrow().nextTrialId()).isNotEqualTo(second.shared().orElseThrow().nextTrialId());
        } finally {
            first.close();
        }
    }

    @Test
    void twoServersDeletingOldAnswersAtOnceDeleteEachOnceNeitherFailsAndTheYoungStay() throws Exception {
        Storage first = open();
        try (Storage second = JdbcStorage.open(database, Durability.PROCESS);
             var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            first.write(c -> {
                for (int i = 0; i < 400; i++) {
                    c.putAnswer("old-" + i, "tell:1", "{}", T0.plusMillis(i));
                }
                c.putAnswer("young", "tell:1", "{}", T0.plusSeconds(3600));
            });
            List<java.util.concurrent.Future<Integer>> deleted = pool.invokeAll(List.of(first, second).stream()
                    .<java.util.concurrent.Callable<Integer>>map(s -> () -> {
                        int total = 0;
                        int[] last = new int[1];
                        do {
                            s.write(c -> last[0] = c.deleteAnswers(T0.plusSeconds(60), 7));
                            total += last[0];
                        } while (last[0] > 0);
                        return total;
                    }).toList());

            assertThat(deleted.get(0).get() + deleted.get(1).get()).as("each old answer deleted once").isEqualTo(400);
            assertThat(first.answer("old-399")).isEmpty();
            assertThat(second.answer("young")).isPresent();
        } finally {
            first.close();
        }
    }

    @Test
    void theWritersConnectionsAreOpenedAgainAfterTheDatabaseDropsThem() throws Exception {
        Storage storage = open();
        try {
            storage.write(c -> c.insert(experiment(1, "before")));
            var pg = (Database.Postgres) database;
            String name = pg.url().substring(pg.url().lastIndexOf('/') + 1);
            try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password()); var st = c.createStatement()) {
                // What a restart of PostgreSQL does to every open connection of this database.
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND pid <> pg_backend_pid()");
            }
            Thread.sleep(1_000); // as long as a restart takes at least: the readers' pool checks connections idle that long
            storage.write(c -> c.insert(experiment(2, "after")));
            assertThat(storage.experiments()).extracting(StoredExperiment::name).containsExactly("before", "after");
        } finally {
            storage.close();
        }
    }

    @Test
    void aDatabaseThatDoesNotExistIsRefusedWithHowToCreateIt() {
        var missing = new Database.Postgres(PostgresCluster.shared().url("no_such_database"), PostgresCluster.USER, PostgresCluster.PASSWORD);
        assertThatThrownBy(() -> JdbcStorage.open(missing, Durability.PROCESS))
                .isInstanceOf(TunelabException.class)
                .hasMessageContaining("has no database \"no_such_database\"; create it");
    }

    @Test
    void theWriterCommitsSynchronouslyWhateverTheServersDefault() throws Exception {
        var pg = (Database.Postgres) freshDatabase();
        String name = pg.url().substring(pg.url().lastIndexOf('/') + 1);
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password()); var st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " SET synchronous_commit = off");
        }
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            assertThat(setting(c)).as("the database's default").isEqualTo("off");
            PostgresDialect.INSTANCE.prepareWriter(c);
            assertThat(setting(c)).as("the writer's session").isEqualTo("on");
        }
    }

    private static String setting(java.sql.Connection c) throws Exception {
        try (var st = c.createStatement(); var rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aLockedStepsTrialsCarryItsStampWhetherWrittenInItOrOnlyTouched() {
        Storage s = open();
        try {
            var db = s.shared().orElseThrow();
            s.write(c -> {
                c.insert(experiment(1, "one"));
                c.insert(trial(7, 1, 0));
            });
            long stamped = db.locked(1, tx -> {
                long next = tx.revision() + 1;
                tx.changes().insert(trial(8, 1, 1)); // written in the step: the stamp is in its own row
                tx.stamp(next, List.of(7L, 8L), "test:1:" + next); // 7 only touched: the stamp writes it
                return next;
            });
            long revision = db.locked(1, tx -> tx.revision());
            List<StoredTrial> since = db.locked(1, tx -> tx.trialsSince(stamped - 1));
            List<StoredTrial> after = db.locked(1, tx -> tx.trialsSince(stamped));
            assertThat(revision).isEqualTo(stamped);
            assertThat(since).extracting(StoredTrial::id).containsExactlyInAnyOrder(7L, 8L);
            assertThat(after).isEmpty();
        } finally {
            s.close();
        }
    }

    @Test
    void theTrialsChangedSinceARevisionComeWithTheLockAsTheyWouldByTheirOwnQuery() {
        Storage s = open();
        try {
            var db = s.shared().orElseThrow();
            s.write(c -> {
                c.insert(experiment(1, "one"));
                c.insert(trial(7, 1, 0));
            });
            db.locked(1, tx -> {
                tx.changes().insert(trial(8, 1, 1));
                tx.changes().insertReport(8, new io.tunelab.api.Report(1, Map.of("loss", 0.5), java.time.Instant.EPOCH));
                tx.stamp(tx.revision() + 1, List.of(8L), "test:1");
                return null;
            });
            List<StoredTrial> queried = db.locked(1, tx -> tx.trialsSince(0));
            List<StoredTrial> withTheLock = db.locked(1, 0, tx -> tx.trialsSince(0));
            String name = db.locked(1, 0, tx -> tx.experiment().name());
            assertThat(withTheLock).isEqualTo(queried);
            assertThat(withTheLock).singleElement().satisfies(t -> assertThat(t.trial().reports()).hasSize(1));
            assertThat(name).isEqualTo("one");
            assertThatThrownBy(() -> db.locked(2, 0, tx -> tx.revision()))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        } finally {
            s.close();
        }
    }
}
