package io.tunelab.server.testing;

import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The storages a test opens, each closed after the test (in the order opened), for tests that
 * open coordinators on storage of their own, several at once or on PostgreSQL. Register it as an
 * extension ({@code @RegisterExtension final Storages storages = new Storages();}). The test
 * still opens each coordinator itself, with its own clock, events and settings: this holds only
 * what every such test repeats. Not thread-safe: one test uses one instance.
 */
public final class Storages implements AfterEachCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final List<JdbcStorage> opened = new ArrayList<>();

    @Override
    public void afterEach(ExtensionContext context) {
        opened.forEach(JdbcStorage::close);
        opened.clear();
    }

    /**
     * A new, empty database in the JVM's shared throwaway PostgreSQL ({@link PostgresCluster#shared()}),
     * named {@code prefix_N} with N new in this JVM.
     */
    public static Database newPostgresDatabase(String prefix) {
        return new Database.Postgres(PostgresCluster.shared().createDatabase(prefix + "_" + DATABASES.incrementAndGet()),
                PostgresCluster.USER, PostgresCluster.PASSWORD);
    }

    /** Opens {@code database} with {@link Durability#PROCESS}; closed after the test. */
    public JdbcStorage open(Database database) {
        return keep(JdbcStorage.open(database, Durability.PROCESS));
    }

    /** Opens the H2 files in {@code dataDir}; closed after the test. */
    public JdbcStorage openDataDirectory(Path dataDir) {
        return keep(JdbcStorage.openDataDirectory(dataDir));
    }

    /** The {@code index}th of the storages open, in the order opened. */
    public JdbcStorage get(int index) {
        return opened.get(index);
    }

    /** The storage opened last of those open. */
    public JdbcStorage last() {
        return opened.getLast();
    }

    /** Closes the first of the storages open now, as a coordinator that dies would leave it: nothing more is written. */
    public void closeFirst() {
        opened.removeFirst().close();
    }

    /** Closes the last of the storages open now, as a coordinator that dies would leave it. */
    public void closeLast() {
        opened.removeLast().close();
    }

    private JdbcStorage keep(JdbcStorage storage) {
        opened.add(storage);
        return storage;
    }
}
