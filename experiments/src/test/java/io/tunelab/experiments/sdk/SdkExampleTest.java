package io.tunelab.experiments.sdk;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code experiments/sdk-example} as a user's own project: the README's quick-start is its code,
 * and, once {@code ./tunelab install-sdk} has put the SDK and the BOM into the local Maven
 * repository, Maven builds it offline from a copy outside the checkout, and its jar runs the
 * quick-start's 50 trials against a real server.
 */
class SdkExampleTest {
    static final Path HOME = TunelabProcesses.home();
    static final Path EXAMPLE = HOME.resolve("experiments/sdk-example");
    static final Pattern SNIPPET = Pattern.compile("## SDK quick-start.*?```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void theReadmeQuickStartIsTheExamplesCode() throws IOException {
        Matcher m = SNIPPET.matcher(Files.readString(HOME.resolve("README.md")));
        assertThat(m.find()).as("README.md has a java block under \"## SDK quick-start\"").isTrue();
        String example = Files.readString(EXAMPLE.resolve("src/main/java/com/example/tunelab/QuickStart.java"));
        assertThat(withoutIndentation(example)).contains(withoutIndentation(m.group(1)));
    }

    @Test
    @Tag("slow")
    void aProjectThatImportsTheBomBuildsOfflineAndRunsTheQuickStart() throws Exception {
        // A build directory of its own, so this does not touch the jars the running build made.
        String buildDirectory = System.getProperty("tunelab.target", "target") + "-sdk-install";
        run(List.of(HOME.resolve("tunelab").toString(), "install-sdk", "-Dtunelab.target=" + buildDirectory), HOME, "install-sdk");

        Path repository = Path.of(System.getProperty("user.home"), ".m2/repository/io/tunelab");
        assertThat(repository.resolve("tunelab-client-sdk/0.1.0-SNAPSHOT"))
                .isDirectoryContaining("glob:**/tunelab-client-sdk-0.1.0-SNAPSHOT-sources.jar")
                .isDirectoryContaining("glob:**/tunelab-client-sdk-0.1.0-SNAPSHOT-javadoc.jar");
        assertThat(repository.resolve("tunelab-bom/0.1.0-SNAPSHOT/tunelab-bom-0.1.0-SNAPSHOT.pom")).exists();

        Path project = copyOfTheExample(dir.resolve("sdk-example"));
        run(List.of("mvn", "-B", "-q", "-o", "-f", project.resolve("pom.xml").toString(), "package"), project, "mvn-package");
        Path jar = project.resolve("target/tunelab-sdk-example.jar");
        assertThat(jar).exists();

        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String output = run(List.of(java, "-jar", jar.toString(), server.url(), server.adminToken()), project, "example");

            var experiment = client.experiment("mlp-lr");
            assertThat(experiment.info().state()).isEqualTo(ExperimentState.COMPLETED);
            List<Trial> trials = experiment.trials();
            assertThat(trials).hasSize(50).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(t.params()).containsKeys("lr", "layers", "optimizer", "batch");
                assertThat(t.value("loss")).isBetween(0.0, 5.0);
            });
            assertThat(client.trial(trials.getFirst().id()).reports()).hasSize(10);
            List<Trial> best = experiment.leaderboard(5);
            assertThat(best.getFirst().value("loss")).as("the best validation log-loss").isLessThan(0.3);
            assertThat(output.lines().map(l -> l.split(" ")[0]).toList())
                    .as("the example prints the leaderboard").containsSubsequence(best.stream().map(t -> Integer.toString(t.number())).toList());

            // The second example: repetitions, tags, notes, artifacts and provenance on every trial.
            run(List.of(java, "-cp", jar.toString(), "com.example.tunelab.TrackedSweep", server.url(), server.adminToken()), project, "tracked");
            var tracked = client.experiment("logreg-tracked");
            assertThat(tracked.info().summary().labels().tags()).contains("example");
            assertThat(tracked.trials()).hasSize(12).allSatisfy(t -> {
                assertThat(t.repetitions()).hasSize(3);
                assertThat(t.statistics().get("loss").n()).isEqualTo(3);
                assertThat(t.provenance()).containsEntry("runner", "sdk").containsKeys("class_path", "java_version", "host", "tags");
                assertThat(io.tunelab.client.Artifacts.of(client).list(t.id())).extracting(a -> a.name())
                        .containsExactly("loss-curves.csv", "weights.csv");
            });
        }
    }

    /** The example's pom and sources, copied where no parent pom or reactor can help the build. */
    private static Path copyOfTheExample(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path rel = EXAMPLE.relativize(from);
                if (rel.toString().equals("pom.xml") || rel.startsWith("src")) {
                    Files.createDirectories(to.resolve(rel).getParent());
                    Files.copy(from, to.resolve(rel));
                }
            }
        }
        return to;
    }

    /** Runs a command to its end within five minutes; returns its output, or fails showing it. */
    private String run(List<String> command, Path workingDirectory, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(ended && p.exitValue() == 0).as("%s ended with exit 0; its output:%n%s", String.join(" ", command), output).isTrue();
        return output;
    }

    private static String withoutIndentation(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
