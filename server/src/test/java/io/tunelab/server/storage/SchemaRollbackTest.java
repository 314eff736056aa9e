package io.tunelab.server.storage;

import io.tunelab.server.testing.SchemaRollback;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every migration after {@link SchemaRollback#OLDEST}, in any dialect's folder, has its undo, and no undo names a version that does not exist. */
class SchemaRollbackTest {
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*\\.sql");

    @Test
    void everyMigrationSinceTheOldestHasItsUndo() throws IOException, URISyntaxException {
        Path migrations = Path.of(SchemaRollback.class.getResource("/db/migration").toURI());
        var versions = new TreeSet<Integer>();
        try (var files = Files.walk(migrations)) {
            files.map(f -> VERSION.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).filter(v -> v > SchemaRollback.OLDEST).forEach(versions::add);
        }
        assertThat(versions).isNotEmpty();
        assertThat(SchemaRollback.versions()).as("a new migration adds what undoes it to SchemaRollback.UNDO").isEqualTo(versions);
    }

    @Test
    void aVersionBeforeTheOldestIsRefused() {
        assertThatThrownBy(() -> SchemaRollback.to(null, SchemaRollback.OLDEST - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version " + SchemaRollback.OLDEST + " or later");
    }
}
