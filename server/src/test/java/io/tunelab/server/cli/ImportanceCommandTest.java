package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.tunelab.server.cli.TunelabCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab importance} against a real server: the table of importances, too few trials, and bad input. */
class ImportanceCommandTest {
    @RegisterExtension
    final CliServer server = new CliServer();

    @BeforeEach
    void start() throws Exception {
        server.client().launch(ExperimentSpec.builder("cli-importance").minimize("loss").param("x", FloatParam.of(0, 1))
                        .param("y", FloatParam.of(0, 1)).strategy("random").seed(5).trials(30).build())
                .optimize(t -> 10 * t.floatParam("x") + t.floatParam("y"), 30, 1);
        server.client().launch(ExperimentSpec.builder("cli-young").minimize("loss").param("x", FloatParam.of(0, 1)).trials(1).build())
                .optimize(t -> t.floatParam("x"), 1, 1);
    }

    @Test
    void printsTheParamsMostImportantFirstWithABar() {
        TunelabCommandTest.Run r = server.run("importance", "cli-importance");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("importance of loss (objective 0) in cli-importance, by fanova over 30 complete trials");
        assertThat(lines.get(1)).startsWith("PARAM").contains("IMPORTANCE");
        assertThat(lines.get(2)).startsWith("x ").contains("####");
        assertThat(lines.get(3)).startsWith("y ");
    }

    @Test
    void tooFewTrialsPrintTheReason() {
        TunelabCommandTest.Run r = server.run("importance", "cli-young");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("no importances: importance needs at least 2 complete trials with a value of loss; there is 1");
    }

    @Test
    void badInputExitsWithAClearMessage() {
        TunelabCommandTest.Run unknown = server.run("importance", "ghost");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no experiment with id or name \"ghost\"");

        TunelabCommandTest.Run outOfRange = server.run("importance", "cli-importance", "--objective", "1");
        assertThat(outOfRange.exit()).isEqualTo(2);
        assertThat(outOfRange.err()).contains("objective must be an objective's index from 0 to 0 ([loss]), got 1");

        TunelabCommandTest.Run notANumber = server.run("importance", "cli-importance", "--objective", "first");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--objective").contains("first");

        TunelabCommandTest.Run missing = server.run("importance");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter");
    }
}
