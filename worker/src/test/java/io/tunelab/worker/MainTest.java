package io.tunelab.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        assertThat(cache[1]).contains("error: --data-cache-mb must be from 1 to 65536, got 0");

        for (var slots : new String[]{"0", "999"}) {
            var bad = run("worker", "--server", "http://127.0.0.1:9", "--slots", slots);
            assertThat(bad[0]).isEqualTo("2");
            assertThat(bad[1]).contains("error: --slots must be from 1 to 256").contains("got " + slots);
        }
        var wait = run("worker", "--server", "http://127.0.0.1:9", "--lease-wait-seconds", "-1");
        assertThat(wait[0]).isEqualTo("2");
        assertThat(wait[1]).contains("error: --lease-wait-seconds must be from 0 to 60, got -1");
        var grace = run("worker", "--server", "http://127.0.0.1:9", "--grace-seconds", "-5");
        assertThat(grace[0]).isEqualTo("2");
        assertThat(grace[1]).contains("error: --grace-seconds must be from 0 to 3600, got -5");
    }

    @Test
    void aResidentBoundThatIsNotASizeStopsTheWorkerBeforeItServes() {
        ResidentMemoryBoundTest.withBound("lots", () -> {
            var bad = run("worker", "--server", "http://127.0.0.1:9");
            assertThat(bad[0]).isEqualTo("2");
            assertThat(bad[1].strip()).isEqualTo("error: -D" + ResidentMemoryBound.PROPERTY
                    + "=lots is not a size: give bytes with a unit, as 1400m or 2g");
        });
    }

    @Test
    void everyNumericOptionFarBeyondItsRangeIsNamedWithTheRangeInOneLine() {
        var ranges = java.util.Map.of("--slots", "1 to 256", "--lease-wait-seconds", "0 to 60", "--grace-seconds", "0 to 3600",
                "--max-data-mb", "1 to 2047", "--data-cache-mb", "1 to 65536");
        ranges.forEach((flag, range) -> {
            for (String value : new String[]{"1000000000000", "4294967296"}) {
                var bad = run("worker", "--server", "http://127.0.0.1:9", flag, value);
                assertThat(bad[0]).as(bad[1]).isEqualTo("2");
                assertThat(bad[1].strip()).as(flag).startsWith("error: " + flag + " must be from " + range + ", got " + value + " (")
                        .doesNotContain("\n").doesNotContain("not an int");
            }
        });
    }

    @Test
    void aBadRunnerJarStopsTheWorkerBeforeItServesAndAGoodOneLoads(@TempDir Path dir) throws Exception {
        var missing = run("worker", "--server", "http://127.0.0.1:9", "--runner-jar", dir.resolve("nope.jar").toString());
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[1]).contains("error: --runner-jar " + dir.resolve("nope.jar") + ": no such file");

        var empty = run("worker", "--server", "http://127.0.0.1:9", "--runner-jar",
                io.tunelab.worker.runner.ExampleRunnerJar.build(dir.resolve("a"), false).toString());
        assertThat(empty[0]).isEqualTo("2");
        assertThat(empty[1]).contains("holds no runner");

        // A good jar loads; the worker then stops at the next check, its token file.
        var good = run("worker", "--server", "http://127.0.0.1:9", "--token-file", dir.resolve("no-token").toString(),
                "--runner-jar", io.tunelab.worker.runner.ExampleRunnerJar.build(dir.resolve("b"), true).toString());
        assertThat(good[0]).isEqualTo("2");
        assertThat(good[1]).contains("the token file " + dir.resolve("no-token") + " does not exist").doesNotContain("runner");
    }

    @Test
    void aTokenFileThatIsNotOneTokenOfTextIsNamedForWhatItIs(@TempDir Path dir) throws Exception {
        var directory = run("worker", "--server", "http://127.0.0.1:9", "--token-file", dir.toString());
        assertThat(directory[0]).isEqualTo("2");
        assertThat(directory[1]).contains("error: the token file " + dir + " is a directory");
        Path big = Files.write(dir.resolve("big"), new byte[5000]);
        assertThat(run("worker", "--server", "http://127.0.0.1:9", "--token-file", big.toString())[1])
                .contains("is not a file of one token (at most 4096 bytes)");
        Path binary = Files.write(dir.resolve("binary"), new byte[]{(byte) 0xff, (byte) 0xfe, 0x41});
        var notText = run("worker", "--server", "http://127.0.0.1:9", "--token-file", binary.toString());
        assertThat(notText[0]).isEqualTo("2");
        assertThat(notText[1]).contains("is not UTF-8 text").doesNotContain("Exception");
    }

    @Test
    void predictReadsATribuoModel(@TempDir Path dir) throws Exception {
        var model = dir.resolve("model.zip");
        var rows = new io.tunelab.worker.data.DatasetSource.Bundled("iris").read();
        var data = io.tunelab.worker.data.Encoding.fit(rows, "target", io.tunelab.worker.data.TaskType.CLASSIFICATION).encode(rows);
        var task = io.tunelab.worker.tribuo.TribuoTaskTest.fitted(data);
        java.nio.file.Files.write(model, task);
        var csv = dir.resolve("iris.csv");
        java.nio.file.Files.writeString(csv, "sepal_length,sepal_width,petal_length,petal_width,target\n5.1,3.5,1.4,0.2,0\n6.7,3.0,5.2,2.3,2\n");
        var out = dir.resolve("out.csv");

        var result = run("predict", "--model", model.toString(), "--csv", csv.toString(), "--output", out.toString());

        assertThat(result[0]).as(result[1]).isEqualTo("0");
        assertThat(java.nio.file.Files.readAllLines(out)).first().asString().startsWith("prediction,p_0,p_1,p_2");
        assertThat(java.nio.file.Files.readAllLines(out)).hasSize(3);
        assertThat(result[1]).containsPattern("on the 2 rows with a target: accuracy \\d\\.\\d{4,5}\\b")
                .as("five significant digits, not a Java map").doesNotContain("{").doesNotContain("=");
    }

    /** An iris model file in {@code dir}, fitted by Tribuo. */
    private static Path irisModel(Path dir) throws Exception {
        var rows = new io.tunelab.worker.data.DatasetSource.Bundled("iris").read();
        var data = io.tunelab.worker.data.Encoding.fit(rows, "target", io.tunelab.worker.data.TaskType.CLASSIFICATION).encode(rows);
        return Files.write(dir.resolve("model.zip"), io.tunelab.worker.tribuo.TribuoTaskTest.fitted(data));
    }

    @Test
    void predictRefusesABadOutputDigestModelOrCsvInOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path model = irisModel(dir);
        Path csv = Files.writeString(dir.resolve("iris.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        Path kept = Files.writeString(dir.resolve("kept.csv"), "as it was");
        var cases = java.util.Map.of(
                "--output " + dir + " is a directory; give a file in it", new String[]{"--output", dir.toString()},
                "--output " + dir.resolve("none/out.csv") + ": there is no directory", new String[]{"--output", dir.resolve("none/out.csv").toString()},
                "--sha256 \"zz\" is not a SHA-256: give the 64 hex digits", new String[]{"--sha256", "zz", "--output", kept.toString()},
                "--model " + dir + " is a directory", new String[]{"--model", dir.toString(), "--output", kept.toString()},
                "--csv " + dir + " is a directory", new String[]{"--csv", dir.toString(), "--output", kept.toString()});
        cases.forEach((message, args) -> {
            var options = new java.util.LinkedHashMap<>(java.util.Map.of("--model", model.toString(), "--csv", csv.toString()));
            for (int i = 0; i < args.length; i += 2) {
                options.put(args[i], args[i + 1]);
            }
            var all = new java.util.ArrayList<>(java.util.List.of("predict"));
            options.forEach((flag, value) -> all.addAll(java.util.List.of(flag, value)));
            var result = run(all.toArray(String[]::new));
            assertThat(result[0]).as(result[1]).isEqualTo("2");
            assertThat(result[1].strip()).startsWith("error: " + message).doesNotContain("\n").doesNotContain("Exception");
        });
        assertThat(Files.readString(kept)).isEqualTo("as it was");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.zip", "iris.csv", "kept.csv");
        }
    }

    private static final String IRIS = "sepal_length,sepal_width,petal_length,petal_width";

    /** Predicts with an iris model on a CSV of {@code header} and {@code rows}, into {@code output} in {@code dir}. */
    private static String[] predictOn(Path dir, String header, String rows, String output) throws Exception {
        return predictOn(dir, header, rows, output, Files.exists(dir.resolve("model.zip")) ? dir.resolve("model.zip") : irisModel(dir));
    }

    private static String[] predictOn(Path dir, String header, String rows, String output, Path model) throws Exception {
        Path csv = Files.writeString(dir.resolve(output + ".in"), header + "\n" + rows);
        return run("predict", "--model", model.toString(), "--csv", csv.toString(), "--output", dir.resolve(output).toString());
    }

    @Test
    void aModelLargerThanAServerStoresOrThanTheHeapHoldsIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        assertThat(PredictCommand.tooLarge(2L << 30, 8L << 30)).isEqualTo("holds 2048 MB, more than any model a Tunelab server "
                + "stores (1023 MB); give the file downloaded from GET /api/trials/{id}/model");
        assertThat(PredictCommand.tooLarge(700L << 20, 512L << 20)).isEqualTo("holds 700 MB, more than this JVM can load with "
                + "its 512 MB heap; run with a larger one, as TUNELAB_JAVA_OPTS=-Xmx3g ./tunelab predict …");
        assertThat(PredictCommand.tooLarge(10L << 20, 512L << 20)).isNull();
        // A sparse file: no disk is used, and the refusal comes before any of it is read.
        Path big = dir.resolve("big.zip");
        try (var file = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SPARSE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[]{1}), 1100L << 20);
        }
        var refused = predictOn(dir, IRIS, "5.1,3.5,1.4,0.2\n", "out.csv", big);
        assertThat(refused[0]).isEqualTo("2");
        assertThat(refused[1]).contains("big.zip holds 1100 MB, more than any model a Tunelab server stores");
    }

    @Test
    void predictCountsTargetsItCannotScoreAndPrintsNoFigureWithoutAny(@TempDir Path dir) throws Exception {
        var none = predictOn(dir, IRIS + ",target", "5.1,3.5,1.4,0.2,setosa\n6.7,3.0,5.2,2.3,virginica\n", "a.csv");
        assertThat(none[0]).as(none[1]).isEqualTo("0");
        assertThat(none[1]).contains("2 row(s) not scored: their target (\"setosa\", \"virginica\") is no class the model was "
                + "trained on; its classes: 0, 1, 2").contains("no row has a target the model can be scored on").doesNotContain("NaN");
        assertThat(Files.readAllLines(dir.resolve("a.csv"))).hasSize(3);

        var some = predictOn(dir, IRIS + ",target", "5.1,3.5,1.4,0.2,0\n6.7,3.0,5.2,2.3,virginica\n", "b.csv");
        assertThat(some[1]).contains("1 row(s) not scored").contains("on the 1 row with a target: accuracy ");
    }

    @Test
    void predictNamesTheRowOfAMissingCellTheModelCannotFill(@TempDir Path dir) throws Exception {
        var result = predictOn(dir, IRIS, "5.1,3.5,1.4,0.2\n5.1,,1.4,0.2\n", "out.csv");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("error: row 2 of the data still has a missing cell after preprocessing: fill it in");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }
}
