package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Versioned schema migrations, applied by Flyway: the scripts in {@code db/migration/common}, with
 * the dialect's column types put in for their placeholders, and in the dialect's own folder
 * ({@code db/migration/h2}, {@code db/migration/postgresql}), in version order, once each,
 * recorded in {@code flyway_schema_history}. Adding a migration is
 * adding a script there; nothing here lists them.
 *
 * <p>A database migrated by a newer release is refused rather than written to. A data directory
 * written before Flyway kept its version in the table {@code schema_version}; such a database is
 * entered into Flyway's history at that version (a baseline: the scripts up to it already ran)
 * and the old table is dropped, so a release that still reads {@code schema_version} refuses the
 * database instead of writing to a schema it does not know.
 */
final class Migrations {
    static final String HISTORY = "flyway_schema_history";
    static final String LEGACY_HISTORY = "schema_version";

    private Migrations() {
    }

    /** Brings the database behind {@code dataSource} to the newest schema this build knows. */
    static void apply(DataSource dataSource, Dialect dialect) throws SQLException {
        Optional<Integer> legacy = legacyVersion(dataSource);
        var configuration = configure(dataSource, dialect);
        legacy.ifPresent(version -> configuration.baselineOnMigrate(true)
                .baselineVersion(MigrationVersion.fromVersion(Integer.toString(version)))
                .baselineDescription("schema_version " + version + ", before Flyway"));
        Flyway flyway = configuration.load();
        refuseNewer(flyway);
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            throw new SQLException("schema migration failed: " + e.getMessage(), e);
        }
        if (legacy.isPresent()) {
            try (Connection c = dataSource.getConnection(); var drop = c.createStatement()) {
                drop.execute("DROP TABLE " + LEGACY_HISTORY);
            }
        }
    }

    /** Flyway set up for this build's scripts on {@code dataSource}; also what tests inspect. */
    static Flyway flyway(DataSource dataSource, Dialect dialect) {
        return configure(dataSource, dialect).load();
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration configure(DataSource dataSource, Dialect dialect) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.migrations())
                .placeholders(dialect.columnTypes())
                .table(HISTORY)
                // Nothing ignored: a version applied by a newer release is reported, not skipped.
                .ignoreMigrationPatterns(new String[0])
                .cleanDisabled(true);
    }

    private static void refuseNewer(Flyway flyway) throws SQLException {
        MigrationInfo[] all = flyway.info().all();
        Optional<MigrationInfo> future = Arrays.stream(all)
                .filter(i -> i.getState() == MigrationState.FUTURE_SUCCESS || i.getState() == MigrationState.FUTURE_FAILED)
                .max(Comparator.comparing(MigrationInfo::getVersion));
        if (future.isPresent()) {
            String known = Arrays.stream(all).filter(i -> i.getState() != MigrationState.FUTURE_SUCCESS
                            && i.getState() != MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion).filter(Objects::nonNull).max(Comparator.naturalOrder())
                    .map(MigrationVersion::getVersion).orElse("none");
            throw TunelabException.of(ErrorCode.INVALID_STATE, "the database has schema version " + future.get().getVersion().getVersion()
                    + " but this Tunelab knows only up to " + known + "; use a newer Tunelab with this database");
        }
    }

    /** The version in the pre-Flyway {@code schema_version} table, if that table is there and Flyway's is not. */
    private static Optional<Integer> legacyVersion(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!hasTable(c, LEGACY_HISTORY) || hasTable(c, HISTORY)) {
                return Optional.empty();
            }
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + LEGACY_HISTORY)) {
                rs.next();
                int version = rs.getInt(1);
                return version == 0 ? Optional.empty() : Optional.of(version);
            }
        }
    }

    /** Whether the connection's current schema has a table of this name, in whatever case the database folds it to. */
    private static boolean hasTable(Connection c, String name) throws SQLException {
        try (var rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), null, new String[]{"TABLE"})) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }
    }
}
