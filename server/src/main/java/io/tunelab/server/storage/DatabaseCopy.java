package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies a whole Tunelab database into another, empty one: every row of every table (experiments,
 * trials, reports, models, data reports, tokens, the stored answers to request ids, and whatever
 * tables later migrations add), ids and times unchanged, so a server started on the copy answers
 * every read as the original did, and a retried ask or tell with the answer it first gave.
 * The usual move is from the embedded H2 database of a data directory to PostgreSQL.
 *
 * <p>Both databases are first brought to this build's schema. The rows go in one transaction on
 * the target, parents before children, and the row counts of every table are compared before it
 * commits: a copy is whole or not there at all. The source is only read.
 */
public final class DatabaseCopy {
    private static final int BATCH = 500;

    private DatabaseCopy() {
    }

    /** What a copy moved: the rows of each table, in the order they were copied. */
    public record Copied(Map<String, Long> rows) {
        public Copied {
            rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        }

        /** The rows of one table (lower-case name), 0 when the table had none. */
        public long rows(String table) {
            return rows.getOrDefault(table.toLowerCase(Locale.ROOT), 0L);
        }
    }

    /**
     * Copies every row of {@code from} into {@code to}. The source must exist (an embedded one
     * must hold a database file) and must not be in use by a server; the target must hold no rows.
     */
    public static Copied copy(Database from, Database to) {
        if (from.equals(to)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the source and the target are the same database ("
                    + from.describe() + "); copy into another, empty database");
        }
        if (from instanceof Database.Embedded embedded && !Files.isRegularFile(H2Dialect.file(embedded.dataDir()))) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "there is no Tunelab database in " + embedded.describe()
                    + " (no " + H2Dialect.file(embedded.dataDir()).getFileName() + "); give the --data-dir a server used");
        }
        // Opening migrates each to this build's schema (and recovers an embedded file).
        JdbcStorage.open(from, Durability.PROCESS).close();
        JdbcStorage.open(to, Durability.PROCESS).close();
        try (Connection source = connect(from); Connection target = connect(to)) {
            source.setReadOnly(true);
            source.setAutoCommit(false);
            target.setAutoCommit(false);
            try {
                Copied copied = copyTables(source, target, to);
                if (to instanceof Database.Postgres) {
                    continueIdSequences(target);
                }
                target.commit();
                return copied;
            } catch (SQLException | RuntimeException e) {
                target.rollback();
                throw e;
            } finally {
                source.rollback();
            }
        } catch (SQLException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "copying " + from.describe() + " to " + to.describe()
                    + " failed, and the target was left as it was: " + e.getMessage(), Map.of(), e);
        }
    }

    private static Copied copyTables(Connection source, Connection target, Database to) throws SQLException {
        List<String> tables = parentsFirst(source);
        for (String table : tables) {
            long present = count(target, table);
            if (present > 0) {
                throw TunelabException.of(ErrorCode.INVALID_STATE, "the target " + to.describe() + " already holds "
                        + present + " rows in " + table + "; copy into a new, empty database");
            }
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : tables) {
            long copied = copyTable(source, target, table);
            long landed = count(target, table);
            if (landed != copied || count(source, table) != copied) {
                throw new SQLException("table " + table + ": read " + copied + " rows but the target holds " + landed);
            }
            rows.put(table, copied);
        }
        return new Copied(rows);
    }

    /** PostgreSQL's coordinators take ids from sequences: they go on after the copied ids, as the migration sets them. */
    private static void continueIdSequences(Connection target) throws SQLException {
        try (var s = target.createStatement()) {
            s.execute("SELECT setval('experiment_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM experiment), false)");
            s.execute("SELECT setval('trial_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM trial), false)");
        }
    }

    private static long copyTable(Connection source, Connection target, String table) throws SQLException {
        try (var read = source.createStatement()) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery("SELECT * FROM " + table)) {
                var meta = rs.getMetaData();
                int columns = meta.getColumnCount();
                List<String> names = new ArrayList<>();
                boolean large = false;
                for (int i = 1; i <= columns; i++) {
                    names.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
                    large |= isBytes(meta.getColumnType(i));
                }
                String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                        + RowCodec.markers(columns) + ")";
                // Rows with models go one at a time, so a batch never holds many of them in memory.
                int batch = large ? 1 : BATCH;
                long n = 0;
                try (PreparedStatement write = target.prepareStatement(insert)) {
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            transfer(rs, write, i, meta.getColumnType(i));
                        }
                        write.addBatch();
                        if (++n % batch == 0) {
                            write.executeBatch();
                        }
                    }
                    if (n % batch != 0) {
                        write.executeBatch();
                    }
                }
                return n;
            }
        }
    }

    /** One value from a source row to the insert, by its JDBC type, nulls kept. */
    private static void transfer(ResultSet rs, PreparedStatement ps, int i, int type) throws SQLException {
        switch (type) {
            case Types.CLOB, Types.NCLOB, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.VARCHAR, Types.NVARCHAR, Types.CHAR ->
                    ps.setString(i, rs.getString(i));
            case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> ps.setBytes(i, rs.getBytes(i));
            case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> ps.setObject(i, rs.getObject(i, OffsetDateTime.class));
            default -> {
                Object value = rs.getObject(i);
                if (value == null) {
                    ps.setNull(i, type);
                } else {
                    ps.setObject(i, value);
                }
            }
        }
    }

    private static boolean isBytes(int type) {
        return type == Types.BLOB || type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The source's Tunelab tables (not the migration history), each after the tables it references. */
    private static List<String> parentsFirst(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Set<String> tables = new LinkedHashSet<>();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), null, new String[]{"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!name.equals(Migrations.HISTORY) && !name.equals(Migrations.LEGACY_HISTORY)) {
                    tables.add(name);
                }
            }
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (String table : tables.stream().sorted().toList()) {
            Set<String> referenced = new LinkedHashSet<>();
            try (ResultSet rs = meta.getImportedKeys(c.getCatalog(), c.getSchema(), storedName(meta, table))) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!parent.equals(table)) {
                        referenced.add(parent);
                    }
                }
            }
            parents.put(table, referenced);
        }
        List<String> ordered = new ArrayList<>();
        while (ordered.size() < parents.size()) {
            boolean progressed = false;
            for (var entry : parents.entrySet()) {
                if (!ordered.contains(entry.getKey()) && ordered.containsAll(entry.getValue().stream().filter(parents::containsKey).toList())) {
                    ordered.add(entry.getKey());
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new SQLException("the tables reference each other in a cycle: " + parents);
            }
        }
        return ordered;
    }

    /** A table name as the database's metadata stores it (H2 folds unquoted names to upper case, PostgreSQL to lower). */
    private static String storedName(DatabaseMetaData meta, String lowerCase) throws SQLException {
        return meta.storesUpperCaseIdentifiers() ? lowerCase.toUpperCase(Locale.ROOT) : lowerCase;
    }

    private static Connection connect(Database database) throws SQLException {
        return switch (database) {
            case Database.Embedded embedded -> DriverManager.getConnection(H2Dialect.url(embedded.dataDir()), JdbcStorage.H2_USER, "");
            case Database.Postgres pg -> DriverManager.getConnection(pg.url(), pg.user(), pg.password());
        };
    }
}
