package io.tunelab.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import static org.assertj.core.api.Assertions.assertThat;

/** Why a file could not be written, in words: never an exception's class name ("no such file exception"). */
class WholeFileTest {
    @Test
    void aFileFailureIsSaidInWords() {
        assertThat(WholeFile.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(WholeFile.reason(new NoSuchFileException("/x/.a.partial"))).isEqualTo("no such file or directory");
        assertThat(WholeFile.reason(new NotDirectoryException("/x"))).isEqualTo("not a directory");
        assertThat(WholeFile.reason(new FileSystemException("/x", null, "Read-only file system"))).isEqualTo("read-only file system");
        assertThat(WholeFile.reason(new IOException("Disk quota exceeded"))).isEqualTo("Disk quota exceeded");
        assertThat(WholeFile.reason(new IOException())).isEqualTo("an input or output error");
    }
}
