package io.tunelab.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.SQLException;
import java.util.function.Consumer;

/** The connection pools (HikariCP) storage reads and writes through; a pool replaces a connection the database dropped. */
final class Pools {
    private Pools() {
    }

    /**
     * A pool named {@code name} of up to {@code size} connections, set up further by {@code setup};
     * fails with the database's own exception when it cannot connect.
     */
    static HikariDataSource open(String name, String url, String user, String password, int size, Consumer<HikariConfig> setup)
            throws SQLException {
        var config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        setup.accept(config);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // The pool connects once at start; the database's own message is what says what is wrong.
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof SQLException)) {
                cause = cause.getCause();
            }
            throw cause instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
        }
    }
}
