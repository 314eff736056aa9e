package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.IntParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real worker process refuses a task that names a file outside its data roots: {@code /etc/passwd},
 * and a well-formed CSV reached through {@code ../}. The trial fails naming the path and the roots,
 * the experiment stops as unusable, and no cell of the file reaches any API response.
 */
@Tag("slow")
class DataSandboxEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void filesOutsideTheDataRootsAreRefusedAndNoneOfTheirCellsLeak() throws Exception {
        Path root = Files.createDirectories(dir.resolve("datasets"));
        Files.writeString(root.resolve("allowed.csv"), "x,label\n1,a\n2,b\n");
        Path secret = dir.resolve("secret.csv");
        Files.writeString(secret, "x,label\n1,s3cr3t-cell-alpha\n2,s3cr3t-cell-beta\n3,s3cr3t-cell-alpha\n4,s3cr3t-cell-beta\n");
        List<String> passwdCells = Files.readAllLines(Path.of("/etc/passwd")).stream()
                .flatMap(line -> List.of(line.split(":")).stream()).filter(cell -> cell.length() >= 6).distinct().toList();
        String firstUser = Files.readAllLines(Path.of("/etc/passwd")).getFirst().split(":")[0];

        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 1, dir.resolve("worker.log"), "--data-root", root.toString())) {
            var passwd = launch(client, "passwd", Map.of("path", "/etc/passwd", "target", firstUser));
            var dotDot = launch(client, "dot-dot", Map.of("path", root + "/../secret.csv", "target", "label"));
            var relative = launch(client, "relative-dot-dot", Map.of("path", "../secret.csv", "target", "label"));

            String log = "worker log:\n%s";
            for (var refused : List.of(passwd, dotDot, relative)) {
                assertThat(refused.awaitCompletion(Duration.ofMinutes(2)).state()).as(log, Files.readString(dir.resolve("worker.log")))
                        .isEqualTo(ExperimentState.STOPPED);
                assertThat(refused.info().summary().stopReason()).startsWith("unusable data");
                assertThat(client.dataReport(refused.name()).orElseThrow()).containsEntry("usable", false);
                // The worker stores the data report (which stops the experiment) before it tells the
                // trial's failure, so the tell may land a moment after the stop.
                for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                     refused.trials().getFirst().state() == TrialState.RUNNING && System.nanoTime() < deadline; ) {
                    Thread.sleep(200);
                }
                assertThat(refused.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.FAILED));
            }
            String realRoot = root.toRealPath().toString();
            assertThat(passwd.trials().getFirst().error()).contains("/etc/passwd", "outside the data roots", realRoot);
            assertThat(dotDot.trials().getFirst().error()).contains("../secret.csv", "\"..\"", realRoot);
            assertThat(relative.trials().getFirst().error()).contains("../secret.csv", "\"..\"", realRoot);

            String everything = String.join("\n", responses(server, client, List.of(passwd, dotDot, relative)));
            for (String cell : passwdCells) {
                assertThat(everything).as("a cell of /etc/passwd in an API response").doesNotContain(cell);
            }
            assertThat(everything).doesNotContain("s3cr3t-cell");
        }
    }

    private static ExperimentHandle launch(TunelabClient client, String name, Map<String, Object> dataset) {
        return client.launch(ExperimentSpec.builder(name).maximize("accuracy").param("model.units", IntParam.of(4, 8))
                .budget(new Budget(3, 1, null)).task(Map.of("dataset", dataset, "training", Map.of("epochs", 2))).build());
    }

    /** Every read the API offers about these experiments and their trials, as the bodies it sent. */
    private static List<String> responses(TunelabProcesses.ServerProcess server, TunelabClient client, List<ExperimentHandle> experiments)
            throws Exception {
        var paths = new ArrayList<>(List.of("/api/experiments"));
        for (var e : experiments) {
            String ref = "/api/experiments/" + e.name();
            paths.addAll(List.of(ref, ref + "/trials", ref + "/data-report", ref + "/history", ref + "/trials.csv", ref + "/leaderboard"));
            for (Trial t : e.trials()) {
                paths.add("/api/trials/" + t.id());
            }
        }
        var bodies = new ArrayList<String>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String path : paths) {
                var reply = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(path).isEqualTo(200);
                bodies.add(reply.body());
            }
        }
        return bodies;
    }
}
