package io.tunelab.server.storage;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a server keeps its data: the embedded H2 database in a data directory (the default), or
 * a PostgreSQL database that the server reaches over JDBC. A value, built once from the command
 * line and handed to {@link JdbcStorage#open}.
 */
public sealed interface Database {
    /** What the server's start-up line and log say about where the data is; never a password. */
    String describe();

    /** The embedded H2 database in {@code dataDir}, created with the directory if missing. */
    static Database embedded(Path dataDir) {
        return new Embedded(dataDir);
    }

    /** The embedded H2 database in a data directory. */
    record Embedded(Path dataDir) implements Database {
        public Embedded {
            if (dataDir == null) {
                throw new IllegalArgumentException("the data directory is missing; give a directory such as ./tunelab-data");
            }
        }

        @Override
        public String describe() {
            return dataDir.toAbsolutePath().toString();
        }

        /** Whether a server has made the database file in this directory (opening one that has none creates it). */
        public boolean exists() {
            return java.nio.file.Files.exists(H2Dialect.file(dataDir));
        }
    }

    /**
     * A PostgreSQL database: its JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB}), the user to log
     * in as and that user's password. The password is left out of {@link #toString()}.
     */
    record Postgres(String url, String user, String password) implements Database {
        static final String PREFIX = "jdbc:postgresql://";

        public Postgres {
            if (url == null || !url.toLowerCase(Locale.ROOT).startsWith(PREFIX) || url.length() == PREFIX.length()) {
                throw new IllegalArgumentException("a PostgreSQL database is named by a URL like " + PREFIX
                        + "HOST:PORT/DB, got \"" + redacted(url) + "\"");
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("a PostgreSQL database needs the user to log in as");
            }
            if (password == null) {
                throw new IllegalArgumentException("a PostgreSQL database needs the user's password (it may be empty)");
            }
        }

        @Override
        public String describe() {
            return PREFIX + where() + " as " + user;
        }

        /** HOST:PORT/DB: where the database is, without anything in the URL that may be a secret. */
        public String where() {
            String rest = redacted(url);
            return rest.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) ? rest.substring(PREFIX.length()) : rest;
        }

        /**
         * A URL with what may hold a secret left out: a user and password before the host
         * ({@code user:password@}) and the query ({@code ?password=…}, {@code sslpassword=…}).
         */
        public static String redacted(String url) {
            if (url == null) {
                return "null";
            }
            int query = url.indexOf('?');
            String s = query < 0 ? url : url.substring(0, query);
            int hostStart = s.indexOf("//") < 0 ? 0 : s.indexOf("//") + 2;
            int at = s.lastIndexOf('@');
            return at < hostStart ? s : s.substring(0, hostStart) + s.substring(at + 1);
        }

        /** Whether the URL holds a user and password before the host, or a password in its query. */
        public static boolean holdsSecret(String url) {
            String s = url == null ? "" : url.toLowerCase(Locale.ROOT);
            int query = s.indexOf('?');
            String base = query < 0 ? s : s.substring(0, query);
            return base.indexOf('@', Math.max(0, base.indexOf("//"))) >= 0
                    || query >= 0 && s.substring(query).matches(".*[?&](ssl)?password=.*");
        }

        @Override
        public String toString() {
            return "Postgres[url=" + url + ", user=" + user + ", password=(hidden)]";
        }
    }
}
