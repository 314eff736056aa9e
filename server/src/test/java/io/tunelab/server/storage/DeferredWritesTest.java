package io.tunelab.server.storage;

import io.tunelab.server.testing.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A locked transaction's writes on PostgreSQL: recorded in order, sent with the last statement, all or nothing. */
class DeferredWritesTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        String url = PostgresCluster.shared().createDatabase("deferred_" + DATABASES.incrementAndGet());
        c = DriverManager.getConnection(url, PostgresCluster.USER, PostgresCluster.PASSWORD);
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, note TEXT, n INT, data BYTEA)");
        }
        c.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private void insert(Connection on, long id, String note) throws SQLException {
        try (var ps = on.prepareStatement("INSERT INTO t (id, note, n) VALUES (?, ?, ?)")) {
            ps.setLong(1, id);
            if (note == null) {
                ps.setNull(2, Types.VARCHAR);
            } else {
                ps.setString(2, note);
            }
            ps.setInt(3, (int) id * 10);
            ps.executeUpdate();
        }
    }

    private List<String> rows() throws SQLException {
        var out = new ArrayList<String>();
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT id, note, n FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getInt(3));
            }
        }
        return out;
    }

    @Test
    void writesWaitAndThenRunInTheirOrderBeforeTheLastStatement() throws SQLException {
        var deferred = new DeferredWrites(c);
        insert(deferred.connection(), 1, "one");
        insert(deferred.connection(), 2, null);
        try (var ps = deferred.connection().prepareStatement("UPDATE t SET note = ? WHERE id = ?")) {
            ps.setString(1, "first");
            ps.setLong(2, 1);
            ps.executeUpdate();
        }
        assertThat(deferred.pending()).isEqualTo(3);
        assertThat(rows()).isEmpty();

        deferred.sendWith("UPDATE t SET n = n + ? WHERE id = ANY (?)", ps -> {
            ps.setInt(1, 5);
            ps.setArray(2, c.createArrayOf("bigint", new Object[]{1L, 2L}));
        });

        assertThat(deferred.pending()).isZero();
        assertThat(rows()).containsExactly("1:first:15", "2:null:25");
        c.commit();
    }

    @Test
    void aFailingWriteFailsTheWholeCommandAndTheRollbackLeavesNothing() throws SQLException {
        var deferred = new DeferredWrites(c);
        insert(deferred.connection(), 1, "one");
        insert(deferred.connection(), 1, "again");
        assertThatThrownBy(() -> deferred.sendWith("UPDATE t SET n = ? WHERE id = ?", ps -> {
            ps.setInt(1, 0);
            ps.setLong(2, 1);
        })).isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
        c.rollback();
        assertThat(rows()).isEmpty();
    }

    @Test
    void aWriteWithAStreamIsSentAtOnceWithTheWritesBeforeIt() throws Exception {
        var deferred = new DeferredWrites(c);
        insert(deferred.connection(), 1, "one");
        byte[] content = {1, 2, 3};
        try (var in = new ByteArrayInputStream(content);
             var ps = deferred.connection().prepareStatement("UPDATE t SET data = ? WHERE id = ?")) {
            ps.setBinaryStream(1, in, content.length);
            ps.setLong(2, 1);
            ps.executeUpdate();
        }
        assertThat(deferred.pending()).isZero();
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT data FROM t WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).containsExactly(content);
        }
        deferred.sendWith(null, null); // nothing waits: nothing is sent
        c.commit();
    }

    @Test
    void aWriteThatSetsTooFewParametersOrAnythingButParametersIsRefused() throws SQLException {
        var deferred = new DeferredWrites(c);
        try (var ps = deferred.connection().prepareStatement("INSERT INTO t (id, note) VALUES (?, ?)")) {
            ps.setLong(1, 1);
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class).hasMessageContaining("sets 1 of its 2");
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("cannot executeQuery");
        }
        assertThat(deferred.pending()).isZero();
    }
}
