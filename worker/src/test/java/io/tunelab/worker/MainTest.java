package io.tunelab.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    /** Runs the command line and returns its exit code and standard error. */
    static String[] run(String... args) {
        PrintStream err = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new String[]{Integer.toString(code), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void aDataRootThatIsNotADirectoryOrACapOutOfRangeStopsTheWorkerBeforeItServes(@TempDir Path dir) {
        var missing = run("worker", "--server", "http://127.0.0.1:9", "--data-root", dir.resolve("nowhere").toString());
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[1]).contains("error: --data-root " + dir.resolve("nowhere") + ": no such directory");

        var cap = run("worker", "--server", "http://127.0.0.1:9", "--data-root", dir.toString(), "--max-data-mb", "4096");
        assertThat(cap[0]).isEqualTo("2");
        assertThat(cap[1]).contains("error: --max-data-mb must be from 1 to 2047, got 4096");

        var cache = run("worker", "--server", "http://127.0.0.1:9", "--data-cache-mb", "0");
        assertThat(cache[0]).isEqualTo("2");
        assertThat(cache[1]).contains("error: --data-cache-mb must be 1 or more, got 0");
    }
}
