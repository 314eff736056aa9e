package io.tunelab.server.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The build's stamp moves with any change of the code's files: one rebuilt, added or moved. */
class BuildStampTest {
    @TempDir
    Path dir;

    @Test
    void theStampChangesWhenACodeFileIsRebuiltAddedOrTheCodeMoves() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/io/tunelab"));
        Path jar = Files.writeString(dir.resolve("api.jar"), "jar");
        Path a = Files.writeString(classes.resolve("A.class"), "a");
        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        List<Path> code = List.of(dir.resolve("classes"), jar);
        String stamp = BuildStamp.of(code);
        assertThat(stamp).matches("[0-9a-f]{16}").isEqualTo(BuildStamp.of(code));

        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        String rebuilt = BuildStamp.of(code);
        assertThat(rebuilt).as("the same bytes written again").isNotEqualTo(stamp);

        Files.writeString(classes.resolve("B.class"), "b");
        assertThat(BuildStamp.of(code)).as("a class added").isNotEqualTo(rebuilt);

        assertThat(BuildStamp.of(List.of(dir.resolve("classes"), Files.copy(jar, dir.resolve("other.jar")))))
                .as("another jar").isNotEqualTo(BuildStamp.of(code));
        assertThat(BuildStamp.current()).matches("[0-9a-f]{16}");
    }
}
