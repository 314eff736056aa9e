package io.tunelab.server.storage;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The storage contract on H2 files in a temporary data directory. */
class JdbcStorageTest extends StorageContract {
    @TempDir
    Path dir;

    @Override
    protected Storage open() {
        return JdbcStorage.openDataDirectory(dir);
    }

    @Override
    protected Storage reopen(Storage storage) {
        storage.close();
        return JdbcStorage.openDataDirectory(dir);
    }
}
