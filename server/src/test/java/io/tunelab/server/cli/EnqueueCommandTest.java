package io.tunelab.server.cli;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Trial;
import io.tunelab.client.TrialQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab enqueue} and {@code tunelab import} against a real server, and their bad input. */
class EnqueueCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CliServer server = new CliServer();

    @BeforeEach
    void start() throws Exception {
        server.client().launch(ExperimentSpec.builder("cli-queue").minimize("loss").param("lr", FloatParam.log(1e-4, 1e-1))
                .param("optimizer", CategoricalParam.of("sgd", "adam")).param("layers", IntParam.of(1, 4)).trials(10).build());
    }

    private List<Trial> queued() {
        return TrialQueue.of(server.client()).queued("cli-queue");
    }

    @Test
    void paramsFromFlagsOrAFileAreEnqueuedAndAnExportImportsBack() throws Exception {
        TunelabCommandTest.Run flags = server.run("enqueue", "cli-queue", "--param", "lr=0.01", "--param", "optimizer=adam",
                "--param", "layers=3");
        assertThat(flags.exit()).as(flags.err()).isZero();
        assertThat(flags.out()).contains("enqueued trial 0 (id ").contains("of cli-queue: {\"lr\":0.01,\"optimizer\":\"adam\",\"layers\":3}");

        Path file = dir.resolve("params.json");
        Files.writeString(file, "{\"optimizer\": \"sgd\"}");
        TunelabCommandTest.Run fromFile = server.run("enqueue", "cli-queue", "--file", file.toString());
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(queued()).extracting(t -> t.params().get("optimizer")).containsExactly("adam", "sgd");

        for (int i = 0; i < 2; i++) {
            var t = server.client().ask("cli-queue");
            server.client().result(t.id(), io.tunelab.api.TrialResult.complete(Map.of("loss", 0.5 - i / 10.0)));
        }
        Path csv = dir.resolve("trials.csv");
        assertThat(server.run("export", "cli-queue", "--output", csv.toString()).exit()).isZero();
        server.client().launch(ExperimentSpec.builder("cli-copy").minimize("loss").param("lr", FloatParam.log(1e-4, 1e-1))
                .param("optimizer", CategoricalParam.of("sgd", "adam")).param("layers", IntParam.of(1, 4)).build());
        TunelabCommandTest.Run imported = server.run("import", "cli-copy", csv.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 2 trials into cli-copy");
        assertThat(server.client().trials("cli-copy")).extracting(Trial::params).containsExactlyElementsOf(
                server.client().trials("cli-queue").stream().map(Trial::params).toList());
    }

    @Test
    void badInputExitsWithAClearMessageAndEnqueuesOrImportsNothing() throws Exception {
        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "[1, 2]");
        Path badCsv = dir.resolve("bad.csv");
        Files.writeString(badCsv, "params_lr,params_optimizer,params_layers,values_loss\r\n0.01,adam,9,0.3\r\n");
        Path huge = Files.writeString(dir.resolve("huge.json"), "{\"lr\": 1e400}");
        record Case(String says, String... args) {
        }
        for (Case c : List.of(
                new Case("param \"lr\": 5.0 is outside [1.0E-4, 0.1]", "enqueue", "cli-queue", "--param", "lr=5"),
                new Case("param \"momentum\" is not in the search space", "enqueue", "cli-queue", "--param", "momentum=0.9"),
                new Case("--param lr must be NAME=VALUE, as lr=0.01", "enqueue", "cli-queue", "--param", "lr"),
                new Case("--param  =0.01 must be NAME=VALUE", "enqueue", "cli-queue", "--param", " =0.01"),
                new Case("--param lr= must be NAME=VALUE, as lr=0.01 (the value is empty", "enqueue", "cli-queue", "--param", "lr="),
                new Case("the experiment's name or id is empty", "enqueue", "", "--param", "lr=0.01"),
                new Case("the experiment's name or id is empty", "import", " ", badCsv.toString()),
                new Case("--param lr is given twice", "enqueue", "cli-queue", "--param", "lr=0.01", "--param", "lr=0.02"),
                new Case("--param lr=1e400: 1e400 is beyond the largest number a param holds", "enqueue", "cli-queue", "--param", "lr=1e400"),
                new Case("give the configuration as --param NAME=VALUE (repeated) or --file FILE", "enqueue", "cli-queue"),
                new Case("give --param NAME=VALUE or --file FILE, not both", "enqueue", "cli-queue", "--param", "lr=0.01", "--file",
                        notJson.toString()),
                new Case("is not a JSON object of params", "enqueue", "cli-queue", "--file", notJson.toString()),
                new Case("huge.json: \"lr\" is beyond the largest number a param holds", "enqueue", "cli-queue", "--file", huge.toString()),
                new Case("does not exist", "enqueue", "cli-queue", "--file", dir.resolve("missing.json").toString()),
                new Case("no experiment with id or name \"ghost\"", "enqueue", "ghost", "--param", "lr=0.01"),
                new Case("row 1, column params_layers: 9 is not one of 1, 2, … up to 4", "import", "cli-queue", badCsv.toString()),
                new Case("does not exist", "import", "cli-queue", dir.resolve("missing.csv").toString()),
                new Case("is a directory", "import", "cli-queue", dir.toString()))) {
            TunelabCommandTest.Run run = server.run(c.args());
            assertThat(run.exit()).as(String.join(" ", c.args())).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", c.args())).contains(c.says());
        }
        assertThat(queued()).isEmpty();
        assertThat(server.client().trials("cli-queue")).isEmpty();
        assertThat(TunelabCommandTest.run("import", "cli-queue").err()).contains("Missing required parameter");
    }

    @Test
    void aParamValueIsReadAsJsonWhenItIsAJsonScalar() {
        assertThat(EnqueueCommand.value("0.5")).isEqualTo(0.5);
        assertThat(EnqueueCommand.value("3")).isEqualTo(3);
        assertThat(EnqueueCommand.value("true")).isEqualTo(true);
        assertThat(EnqueueCommand.value("\"1\"")).isEqualTo("1");
        assertThat(EnqueueCommand.value("adam")).isEqualTo("adam");
        assertThat(EnqueueCommand.value("[1]")).isEqualTo("[1]");
    }
}
