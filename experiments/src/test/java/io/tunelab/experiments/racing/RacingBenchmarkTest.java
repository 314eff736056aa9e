package io.tunelab.experiments.racing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RacingBenchmarkTest {
    @Test
    @Tag("slow")
    void withItsOwnServerTheBenchmarkRacesAndPrintsBothSearches() throws Exception {
        var out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            RacingBenchmark.main(new String[] {"--own-server", "--seeds", "2", "--evaluations", "24", "--max", "4", "--strategy", "random"});
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        assertThat(printed).contains("24 evaluations per search, strategy random, 2 seeds")
                .containsPattern("\\| repetitions: 3 \\| 8 \\| [0-9.]+ \\| [0-9.]+ \\| [0-2] of 2 \\|")
                .containsPattern("\\| racing 2 to 4 \\| [0-9]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-2] of 2 \\|")
                .contains("racing's median regret / fixed repetitions'");
    }
}
