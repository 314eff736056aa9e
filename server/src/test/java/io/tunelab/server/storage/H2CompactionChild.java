package io.tunelab.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A process that rewrites one database file and exits, for {@link H2CompactionKillTest} to kill part way. */
public final class H2CompactionChild {
    private H2CompactionChild() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println(H2Compaction.compactIfSparse(Path.of(args[0])) ? "rewritten" : "left");
    }
}
