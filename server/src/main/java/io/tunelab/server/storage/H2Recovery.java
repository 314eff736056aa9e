package io.tunelab.server.storage;

import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Brings an H2 database file to its newest committed state before it is opened.
 *
 * <p>Why: H2's MVStore, opened normally after the process died, trusts the store header at
 * the start of the file, which it rewrites only now and then, and follows the chain of chunks
 * predicted from it. A commit whose chunk went into reused space away from the predicted spot
 * (and not at the end of the file) is on no such path, and neither is any chunk chained after
 * it until the header is next rewritten: the normal open then settles on an older chunk and
 * those commits are gone, although each was written to the file before its caller was
 * answered. The chaos benchmark showed this as a few acknowledged results lost per hundred
 * SIGKILLs. Opening the file once in MVStore's recovery mode scans every block for chunks and
 * takes the newest complete set; closing it cleanly writes a header that points there, so the
 * normal open that follows finds every commit. The scan reads the whole file once per start.
 */
final class H2Recovery {
    private H2Recovery() {
    }

    /** Recovers {@code databaseFile} (an H2 {@code .mv.db} file) in place; does nothing if it does not exist. */
    static void recover(Path databaseFile) {
        if (!Files.isRegularFile(databaseFile)) {
            return;
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(databaseFile.toString()).recoveryMode().open();
        } catch (MVStoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // close() without compaction: it only writes the clean-shutdown header for the chunk found.
        store.close();
    }
}
