package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;

/**
 * What a database that cannot be opened says to the person starting the server: in words, what
 * is wrong (PostgreSQL unreachable, the login refused, no such database; the embedded database
 * in use by another server process, a data directory that cannot be made) and what to do. Never
 * a JDBC URL, a password or the database's own message: those go to the log, with the URL's
 * secrets left out, under the message the person sees.
 */
final class OpenFailures {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFailures.class);
    private static final String SEE_LOG = "; the server's log has the database's message";

    private OpenFailures() {
    }

    /** Why PostgreSQL at {@code pg} could not be opened, from the failure {@code e}. */
    static TunelabException postgres(Database.Postgres pg, Exception e) {
        String at = "PostgreSQL at " + host(pg.where());
        String state = sqlState(e);
        String message;
        if (cause(e, UnknownHostException.class) != null) {
            message = "cannot reach " + at + ": no such host; fix the host in the database URL";
        } else if (cause(e, ConnectException.class) != null) {
            message = "cannot reach " + at + ": nothing accepts connections there; start the database server, or fix the host "
                    + "and port in the database URL";
        } else if (cause(e, SocketTimeoutException.class) != null) {
            message = "cannot reach " + at + ": no answer in time; check the host and port in the database URL, and that no "
                    + "firewall drops the connection";
        } else if (state.equals("28P01")) {
            message = at + " refused the login of user \"" + pg.user() + "\": authentication failed (a wrong password, or no "
                    + "such user); check the user, and that the password file holds that user's password on its first line";
        } else if (state.startsWith("28")) {
            message = at + " does not let user \"" + pg.user() + "\" in (no such user, or no pg_hba.conf entry lets it in); "
                    + "check the user, or ask the database's administrator";
        } else if (state.equals("3D000")) {
            message = at + " has no database \"" + database(pg.where()) + "\"; create it (createdb -O " + pg.user() + " "
                    + database(pg.where()) + ") or fix the database's name in the URL";
        } else if (state.equals("42501")) {
            message = "user \"" + pg.user() + "\" may not create Tunelab's tables in database \"" + database(pg.where()) + "\" at "
                    + host(pg.where()) + "; make it the database's owner, or grant it CREATE on the schema";
        } else if (state.startsWith("08")) {
            message = "cannot reach " + at + " (SQL state " + state + "); check the host and port in the URL, and that the database "
                    + "server is up";
        } else {
            message = "cannot open the database \"" + database(pg.where()) + "\" at " + host(pg.where()) + " as \"" + pg.user()
                    + "\"" + (state.isEmpty() ? "" : " (SQL state " + state + ")") + SEE_LOG;
        }
        return logged(message, e, pg.password());
    }

    /** Why the embedded database in {@code dataDir} could not be opened, from the failure {@code e}. */
    static TunelabException embedded(Path dataDir, Exception e) {
        String dir = dataDir.toAbsolutePath().toString();
        String message;
        if (locked(e)) {
            message = "another Tunelab server uses this data directory (" + dir + "): its database file is locked by that "
                    + "server's process; stop that server first, or give another data directory";
        } else if (e instanceof FileSystemException fs) {
            String why = fs instanceof java.nio.file.NoSuchFileException ? "a directory on its path is missing or cannot hold it"
                    : fs instanceof java.nio.file.AccessDeniedException ? "permission denied" : fs.getReason();
            message = "cannot make or write the data directory " + dir + (why == null ? "" : " (" + why + ")")
                    + "; give a data directory in a place this user may write";
        } else if (!java.nio.file.Files.isWritable(dataDir)) {
            message = "cannot write in the data directory " + dir + "; let this user write there, or give another data directory";
        } else {
            message = "cannot open the database in " + dir + " (its file " + H2Dialect.file(dataDir).getFileName() + " may be damaged "
                    + "or of another program)" + SEE_LOG;
        }
        return logged(message, e, null);
    }

    private static boolean locked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1
                    || t instanceof org.h2.mvstore.MVStoreException mv && mv.getErrorCode() == org.h2.mvstore.DataUtils.ERROR_FILE_LOCKED
                    || t.getMessage() != null && t.getMessage().contains("The file is locked")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message as an error. The failure's own text, with {@code secret} left out, goes to the
     * log: as a warning when the message points there (a failure of no known kind), else for debugging.
     */
    private static TunelabException logged(String message, Exception e, String secret) {
        String detail = String.valueOf(e.getMessage());
        if (secret != null && !secret.isEmpty()) {
            detail = detail.replace(secret, "(hidden)");
        }
        if (message.endsWith(SEE_LOG)) {
            LOG.warn("cannot open the database: {}", detail);
        } else {
            LOG.debug("cannot open the database: {}", detail);
        }
        return TunelabException.of(ErrorCode.INTERNAL, message, Map.of());
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** HOST:PORT of HOST:PORT/DB. */
    private static String host(String where) {
        int slash = where.indexOf('/');
        return slash < 0 ? where : where.substring(0, slash);
    }

    /** DB of HOST:PORT/DB. */
    private static String database(String where) {
        int slash = where.indexOf('/');
        return slash < 0 ? "" : where.substring(slash + 1);
    }
}
