package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tunelab.server.cli.TunelabCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab export} against a real server: CSV to standard output, JSON to a file, and bad input. */
class ExportCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CliServer server = new CliServer();

    @BeforeEach
    void start() {
        server.client().launch(ExperimentSpec.builder("cli-export").minimize("loss").param("x", FloatParam.of(0, 1)).trials(3).build())
                .optimize(t -> t.floatParam("x"), 3, 1);
    }

    @Test
    void csvGoesToStandardOutputAndJsonToAFile() throws Exception {
        TunelabCommandTest.Run csv = server.run("export", "cli-export");
        assertThat(csv.exit()).as(csv.err()).isZero();
        List<String> lines = csv.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.getFirst()).startsWith("number,id,state,params_x,values_loss,stats_loss_n,");
        assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l).contains(",COMPLETE,"));

        Path file = dir.resolve("trials.json");
        TunelabCommandTest.Run json = server.run("export", "cli-export", "--format", "json", "--output", file.toString());
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("exported the trials of cli-export as json to " + file);
        List<Map<String, Object>> rows = Json.read(Files.readString(file), List.class);
        assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r).containsEntry("state", "COMPLETE").containsKey("params_x"));
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void aLinkToAFileIsFollowedSoTheLinkStays() throws Exception {
        Path file = dir.resolve("2026-12.csv");
        Files.writeString(file, "older");
        Path link = Files.createSymbolicLink(dir.resolve("latest.csv"), file.getFileName());
        TunelabCommandTest.Run csv = server.run("export", "cli-export", "--output", link.toString());
        assertThat(csv.exit()).as(csv.err()).isZero();
        assertThat(link).isSymbolicLink();
        assertThat(Files.readString(file)).startsWith("number,id,state,");
    }

    @Test
    void badInputExitsWithAClearMessageAndWritesNothing() throws Exception {
        Path file = dir.resolve("kept.csv");
        Files.writeString(file, "what was there");

        TunelabCommandTest.Run unknown = server.run("export", "ghost", "--output", file.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no experiment with id or name \"ghost\"");
        assertThat(file).hasContent("what was there");
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");

        TunelabCommandTest.Run badFormat = server.run("export", "cli-export", "--format", "xml", "--output", file.toString());
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("export format must be csv or json, got \"xml\"");
        assertThat(file).hasContent("what was there");

        TunelabCommandTest.Run noDirectory = server.run("export", "cli-export", "--output", dir.resolve("missing/trials.csv").toString());
        assertThat(noDirectory.exit()).isEqualTo(2);
        assertThat(noDirectory.err()).contains("there is no directory").contains("missing");
        assertThat(dir.resolve("missing")).doesNotExist();

        if (Files.isDirectory(Path.of("/proc/self"))) { // a directory that takes no new file, even for root
            TunelabCommandTest.Run unwritable = server.run("export", "cli-export", "--output", "/proc/self/trials.csv");
            assertThat(unwritable.exit()).isEqualTo(2);
            assertThat(unwritable.err()).contains("cannot write /proc/self/trials.csv: its directory takes no new file")
                    .doesNotContain("java.nio");
        }

        TunelabCommandTest.Run intoDirectory = server.run("export", "cli-export", "--output", dir.toString());
        assertThat(intoDirectory.exit()).isEqualTo(2);
        assertThat(intoDirectory.err()).contains("--output " + dir + " is a directory; give a file in it, as " + dir.resolve("trials.csv"))
                .doesNotContain("java.");
        TunelabCommandTest.Run emptyOutput = server.run("export", "cli-export", "--output", "");
        assertThat(emptyOutput.exit()).isEqualTo(2);
        assertThat(emptyOutput.err()).contains("--output is empty; give a file to write, as trials.csv");
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");

        TunelabCommandTest.Run emptyName = server.run("export", "", "--output", file.toString());
        assertThat(emptyName.exit()).isEqualTo(2);
        assertThat(emptyName.err()).contains("the experiment's name or id is empty");
        assertThat(file).hasContent("what was there");

        TunelabCommandTest.Run noName = server.run("export");
        assertThat(noName.exit()).isEqualTo(2);
        assertThat(noName.err()).contains("Missing required parameter");

        TunelabCommandTest.Run unreachable = run("export", "cli-export", "--server", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach the Tunelab server");
    }
}
