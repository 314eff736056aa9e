package io.tunelab.server.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The writes of one locked transaction on PostgreSQL, sent to the database in one round trip with
 * the statement that ends them ({@link #sendWith}) rather than one round trip each. The storage's
 * changes run against {@link #connection()}, whose prepared statements only record: each
 * {@code executeUpdate} keeps the statement and its parameters, in order, and answers 1 (the
 * changes never read the count). {@link #sendWith} then runs every recorded statement and the last
 * one as one multi-statement command (PostgreSQL's extended protocol: one parse, bind and execute
 * each, one flush), in the order they were made; a failing statement fails the whole command, and
 * the transaction is rolled back as before.
 *
 * <p>A write with a stream parameter (a model file) is sent at once, with those before it, since
 * its caller closes the stream when the write returns. Only writes may be deferred: nothing in a locked transaction reads what it wrote before its
 * last statement (the catch-up reads come first). Not thread-safe: one transaction's thread.
 */
final class DeferredWrites {
    /** One recorded parameter: the setter called, its index and its arguments. */
    private record Parameter(Method setter, Object[] args) {
    }

    /** One recorded execution of a statement. */
    private record Write(String sql, List<Parameter> parameters) {
    }

    private final Connection connection;
    private final Connection recording;
    private final List<Write> writes = new ArrayList<>();

    DeferredWrites(Connection connection) {
        this.connection = connection;
        this.recording = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> method.getName().equals("prepareStatement") && args != null && args.length == 1
                        ? recorder((String) args[0]) : invoke(connection, method, args));
    }

    /** The connection the changes run against: its prepared statements record instead of executing. */
    Connection connection() {
        return recording;
    }

    /** How many writes wait to be sent. */
    int pending() {
        return writes.size();
    }

    /**
     * Sends the recorded writes and then {@code last} (a statement whose parameters {@code bind}
     * sets, numbered from 1, and whose rows, if any, are not read) in one round trip; with
     * {@code last} null, only the writes (nothing when there are none).
     */
    void sendWith(String last, PostgresShared.Binder bind) throws SQLException {
        if (writes.isEmpty() && last == null) {
            return;
        }
        var sql = new StringBuilder();
        for (Write w : writes) {
            sql.append(w.sql()).append(";\n");
        }
        if (last != null) {
            sql.append(last);
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int offset = 0;
            for (Write w : writes) {
                for (Parameter p : w.parameters()) {
                    Object[] args = p.args().clone();
                    args[0] = (Integer) args[0] + offset;
                    set(ps, p.setter(), args);
                }
                offset += placeholders(w.sql());
            }
            if (last != null) {
                int base = offset;
                bind.bind(shifted(ps, base));
            }
            writes.clear();
            ps.execute();
        }
    }

    /** A prepared statement that records its parameters and its executions. */
    private PreparedStatement recorder(String sql) {
        int count = placeholders(sql);
        var parameters = new TreeMap<Integer, Parameter>();
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[]{PreparedStatement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "executeUpdate" -> {
                        if (args != null || parameters.size() != count) {
                            throw new SQLException("a deferred write sets " + parameters.size() + " of its " + count
                                    + " parameters: " + sql);
                        }
                        writes.add(new Write(sql, List.copyOf(parameters.values())));
                        if (parameters.values().stream().anyMatch(DeferredWrites::isStream)) {
                            sendWith(null, null); // the caller closes its stream once this returns
                        }
                        yield 1;
                    }
                    case "clearParameters" -> {
                        parameters.clear();
                        yield null;
                    }
                    case "close" -> null;
                    case "isClosed" -> false;
                    case "getConnection" -> recording;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "deferred " + sql;
                    default -> {
                        if (method.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                            if (index < 1 || index > count) {
                                throw new SQLException("parameter " + index + " of a statement with " + count + ": " + sql);
                            }
                            parameters.put(index, new Parameter(method, args.clone()));
                            yield null;
                        }
                        throw new SQLException("a deferred write cannot " + method.getName() + "; only set parameters and executeUpdate");
                    }
                });
    }

    private static boolean isStream(Parameter p) {
        return java.util.Arrays.stream(p.args()).anyMatch(a -> a instanceof java.io.InputStream || a instanceof java.io.Reader);
    }

    /** {@code ps} seen with its parameters numbered from {@code base} + 1. */
    private static PreparedStatement shifted(PreparedStatement ps, int base) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[]{PreparedStatement.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                        Object[] moved = args.clone();
                        moved[0] = index + base;
                        return invoke(ps, method, moved);
                    }
                    return invoke(ps, method, args);
                });
    }

    /** The parameter markers of a statement (the storage's statements hold no {@code ?} in literals). */
    static int placeholders(String sql) {
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '?') {
                n++;
            }
        }
        return n;
    }

    private static void set(PreparedStatement ps, Method setter, Object[] args) throws SQLException {
        try {
            setter.invoke(ps, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new SQLException(e);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
