package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.DatabaseCopy;
import io.tunelab.server.testing.HeldOutWinner;
import io.tunelab.server.testing.Storages;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunelab db copy}: a server's embedded database copied to a real PostgreSQL answers every
 * API read as the original did (the same JSON values, other bodies byte for byte); bad flags and a target that is not empty are
 * refused with a message that names the flag, and leave the target as it was; a tell retried against
 * the copy (either way between H2 and PostgreSQL) gets the answer it got before the copy.
 */
class DbCopyCommandTest {
    @TempDir
    Path dir;

    private record Reply(int status, String contentType, byte[] body) {
        @Override
        public String toString() {
            return status + " " + contentType + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The same status and content type, and the same body: as JSON values (object keys in any order) or byte for byte. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Reply r && r.status == status && r.contentType.equals(contentType)
                    && (contentType.startsWith("application/json") ? json(r.body).equals(json(body)) : Arrays.equals(r.body, body));
        }

        private static com.fasterxml.jackson.databind.JsonNode json(byte[] body) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(body);
        }
    }

    @Test
    void aCopiedDatabaseAnswersEveryReadAsTheOriginalDid() throws Exception {
        Path h2Dir = Files.createDirectories(dir.resolve("h2"));
        String token;
        Map<String, Reply> before;
        try (ApiServer server = ApiServer.start(serverConfig("--data-dir", h2Dir.toString()))) {
            token = Files.readString(h2Dir.resolve(ApiServer.ADMIN_TOKEN_FILE)).strip();
            fill(server, token);
            before = readEverything(server.port(), token);
        }
        Path password = Files.writeString(dir.resolve("pw"), PostgresCluster.PASSWORD + "\n");
        String url = PostgresCluster.shared().createDatabase("copied");

        var out = new StringWriter();
        int exit = run(out, "db", "copy", "--from", h2Dir.toString(), "--to", url, "--to-user", PostgresCluster.USER,
                "--to-password-file", password.toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("trial").contains("model").contains("token");

        Path pgDir = Files.createDirectories(dir.resolve("pg"));
        try (ApiServer server = ApiServer.start(serverConfig("--db", url, "--db-user", PostgresCluster.USER,
                "--db-password-file", password.toString(), "--data-dir", pgDir.toString()))) {
            assertThat(server.newAdminToken()).as("the tokens came along: no new admin token").isEmpty();
            Map<String, Reply> after = readEverything(server.port(), token);
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            before.forEach((path, reply) -> assertThat(after.get(path)).as(path).isEqualTo(reply));
            // New experiments and trials on the copy take ids after the copied ones.
            try (TunelabClient client = TunelabClient.connect(server.origin(), token)) {
                var next = client.launch(ExperimentSpec.builder("after-copy").minimize("loss").param("x", FloatParam.of(0, 1)).trials(2).build());
                assertThat(next.id()).isEqualTo(5);
                assertThat(next.ask().id()).isEqualTo(15);
            }
        }
        // A second copy into the now full database is refused and changes nothing.
        var refused = new StringWriter();
        assertThat(run(refused, "db", "copy", "--from", h2Dir.toString(), "--to", url, "--to-user", PostgresCluster.USER,
                "--to-password-file", password.toString())).isEqualTo(2);
        assertThat(refused.toString()).contains("already holds").contains("empty database");
        var counts = DatabaseCopy.copy(Database.embedded(h2Dir), Storages.newPostgresDatabase("copy_check"));
        assertThat(counts.rows("trial")).isEqualTo(14);
        assertThat(counts.rows("finalization_model")).isEqualTo(1);
    }

    @Test
    void badFlagsAreRefusedWithAMessageThatNamesTheFlag() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String url = PostgresCluster.shared().createDatabase("untouched");
        Path password = Files.writeString(dir.resolve("pw"), PostgresCluster.PASSWORD + "\n");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("--from " + empty + " --to " + url + " --to-user " + PostgresCluster.USER + " --to-password-file " + password,
                "there is no Tunelab database in");
        cases.put("--from " + empty + " --to jdbc:mysql://h/db --to-user u", "--to: a PostgreSQL database is named by a URL like");
        cases.put("--from " + empty + " --to " + url, "--to needs --to-user");
        cases.put("--from " + empty + " --to " + url + " --to-user u --to-password-file " + dir.resolve("missing"),
                "--to-password-file " + dir.resolve("missing") + " is not a readable file");
        for (var c : cases.entrySet()) {
            var err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("db", "copy"));
            args.addAll(List.of(c.getKey().split(" ")));
            assertThat(run(err, args.toArray(String[]::new))).as(c.getKey()).isEqualTo(2);
            assertThat(err.toString()).as(c.getKey()).contains(c.getValue());
        }
        var usage = new StringWriter();
        assertThat(run(usage, "db", "copy", "--to", url)).as("--from is required").isEqualTo(2);
        assertThat(usage.toString()).contains("--from");
        assertThat(Files.list(empty)).as("the missing source was not created").isEmpty();
        // Nothing was written into the target: a copy into it still succeeds.
        Path h2Dir = Files.createDirectories(dir.resolve("h2"));
        try (ApiServer server = ApiServer.start(serverConfig("--data-dir", h2Dir.toString()))) {
            assertThat(server.port()).isPositive();
        }
        assertThat(DatabaseCopy.copy(Database.embedded(h2Dir), new Database.Postgres(url, PostgresCluster.USER,
                PostgresCluster.PASSWORD)).rows("token")).isEqualTo(1);
    }

    /**
     * A client that told a trial under a request id before the copy, and retries that tell against
     * a server on the copy, gets the first answer and no second effect: the stored answers travel
     * with the copy, from H2 to PostgreSQL and back (an ask's as a row of its own, a tell's in its trial's row).
     */
    @Test
    void aRetryAgainstTheCopyIsAnsweredAsTheFirstRequest() throws Exception {
        Path h2Dir = Files.createDirectories(dir.resolve("h2"));
        String token;
        Map<String, Object> asked;
        Map<String, Object> told;
        long trialId;
        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));
        try (ApiServer server = ApiServer.start(serverConfig("--data-dir", h2Dir.toString()))) {
            token = Files.readString(h2Dir.resolve(ApiServer.ADMIN_TOKEN_FILE)).strip();
            try (TunelabClient client = TunelabClient.connect(server.origin(), token)) {
                client.launch(ExperimentSpec.builder("retried").minimize("loss").param("x", FloatParam.of(0, 1)).trials(5).build());
            }
            asked = answered(post(server.port(), token, "/api/experiments/retried/trials", "{}", "ask-before-copy"), 201);
            trialId = ((Number) asked.get("id")).longValue();
            told = answered(post(server.port(), token, "/api/trials/" + trialId + "/result", result, "tell-before-copy"), 200);
        }
        Path password = Files.writeString(dir.resolve("pw"), PostgresCluster.PASSWORD + "\n");
        String url = PostgresCluster.shared().createDatabase("retried");
        var out = new StringWriter();
        assertThat(run(out, "db", "copy", "--from", h2Dir.toString(), "--to", url, "--to-user", PostgresCluster.USER,
                "--to-password-file", password.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).as("the ask's answer; the tell's is in its trial's row").containsPattern("request +1 rows");

        // A retried tell gets the first answer; one carrying other values under that id is refused
        // (the copy keeps each answer's token and body digest); the trial keeps the first values.
        String other = Json.write(TrialResult.complete(Map.of("loss", 0.1)));
        try (ApiServer server = ApiServer.start(serverConfig("--db", url, "--db-user", PostgresCluster.USER,
                "--db-password-file", password.toString(), "--data-dir", Files.createDirectories(dir.resolve("pg")).toString()))) {
            assertThat(answered(post(server.port(), token, "/api/trials/" + trialId + "/result", result, "tell-before-copy"), 200))
                    .isEqualTo(told);
            assertThat(post(server.port(), token, "/api/trials/" + trialId + "/result", other, "tell-before-copy").statusCode())
                    .isEqualTo(400);
            assertThat(answered(post(server.port(), token, "/api/experiments/retried/trials", "{}", "ask-before-copy"), 201))
                    .isEqualTo(asked);
            try (TunelabClient client = TunelabClient.connect(server.origin(), token)) {
                assertThat(client.trials("retried")).singleElement().satisfies(t -> assertThat(t.values()).containsEntry("loss", 0.5));
            }
        }

        // And back from PostgreSQL into an embedded database.
        Path back = Files.createDirectories(dir.resolve("back"));
        var copied = DatabaseCopy.copy(new Database.Postgres(url, PostgresCluster.USER, PostgresCluster.PASSWORD), Database.embedded(back));
        assertThat(copied.rows("request")).isEqualTo(1);
        try (ApiServer server = ApiServer.start(serverConfig("--data-dir", back.toString()))) {
            assertThat(answered(post(server.port(), token, "/api/trials/" + trialId + "/result", result, "tell-before-copy"), 200))
                    .isEqualTo(told);
            assertThat(post(server.port(), token, "/api/trials/" + trialId + "/result", other, "tell-before-copy").statusCode())
                    .isEqualTo(400);
            try (TunelabClient client = TunelabClient.connect(server.origin(), token)) {
                assertThat(client.trials("retried")).singleElement().satisfies(t -> assertThat(t.values()).containsEntry("loss", 0.5));
            }
        }
    }

    private static HttpResponse<String> post(int port, String token, String path, String body, String requestId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header(RequestId.HEADER, requestId).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> answered(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.read(response.body(), Map.class);
    }

    private static ServerConfig serverConfig(String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(List.of(flags));
        return CommandLine.populateCommand(new TunelabCommand.Server(), args.toArray(String[]::new)).config();
    }

    private static int run(StringWriter output, String... args) {
        CommandLine cl = TunelabCommand.commandLine();
        var writer = new PrintWriter(output, true);
        cl.setErr(writer);
        cl.setOut(writer);
        var stdout = System.out;
        var captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return cl.execute(args);
        } finally {
            System.setOut(stdout);
            output.append(captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Experiments in every state with reports, repetitions, models, a data report, finalizations (one with a refit model) and a second token. */
    private static void fill(ApiServer server, String token) {
        try (TunelabClient client = TunelabClient.connect(server.origin(), token)) {
            var quick = ExperimentSpec.builder("copy-quick").minimize("loss").param("x", FloatParam.of(0, 1)).trials(6).build();
            client.launch(quick).optimize(t -> {
                double x = t.floatParam("x");
                t.report(1, x + 1);
                return x;
            }, 6, 2);
            var held = client.launch("""
                    name: copy-held
                    objective: {metric: accuracy, direction: maximize}
                    space: {x: {type: float, low: 0, high: 1}}
                    strategy: {name: random, seed: 3}
                    budget: {trials: 5}
                    task: {dataset: {name: iris, test: 0.2, validation: {folds: 3}}}
                    """);
            TrialProposal leased = client.askLeased("copy-held");
            client.putDataReport("copy-held", leased.leaseId(), Map.of("usable", true, "rows", 150, "warnings", List.of("none")));
            client.uploadModel(leased.id(), leased.leaseId(), new byte[]{1, 2, 3, 4, 5});
            client.result(leased.id(), new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, leased.leaseId(), Map.of()));
            client.ask("copy-held");
            client.ask("copy-held");
            held.pause();
            var stopped = client.launch(ExperimentSpec.builder("copy-stopped").minimize("loss").param("x", FloatParam.of(0, 1)).trials(9).build());
            stopped.optimize(t -> t.floatParam("x"), 4, 1);
            stopped.stop();
            // A winner refit: its own model and the finalization's refit model, apart.
            client.launch(HeldOutWinner.spec("copy-refit"));
            HeldOutWinner.runWithModel(client, new byte[]{9, 8, 7});
            var refit = HeldOutWinner.lease(client);
            client.uploadModel(refit.trial().id(), refit.leaseId(), new byte[]{6, 6});
        }
    }

    /** Every read a user or the web UI makes, for every experiment and trial, by path. */
    private static Map<String, Reply> readEverything(int port, String token) throws Exception {
        var http = HttpClient.newHttpClient();
        Map<String, Reply> replies = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>(List.of("/api/experiments", "/api/tokens"));
        for (String name : List.of("copy-quick", "copy-held", "copy-stopped", "copy-refit")) {
            for (String read : List.of("", "/trials", "/trials.csv", "/trials.json", "/leaderboard", "/ranking", "/pareto",
                    "/history", "/curves", "/data-report", "/finalization", "/finalization/model")) {
                paths.add("/api/experiments/" + name + read);
            }
        }
        for (long id = 1; id <= 15; id++) {
            paths.add("/api/trials/" + id);
            paths.add("/api/trials/" + id + "/model");
        }
        for (String path : paths) {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + token).GET().build();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = r.body();
            // Error bodies carry a request id of their own; the code and message must match.
            if (r.statusCode() >= 400) {
                body = new String(body, java.nio.charset.StandardCharsets.UTF_8).replaceAll("\"requestId\"\\s*:\\s*\"[^\"]*\"", "")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            replies.put(path, new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body));
        }
        assertThat(replies.get("/api/trials/1").status()).isEqualTo(200);
        assertThat(replies.get("/api/experiments/copy-refit/finalization/model")).as("the refit model")
                .satisfies(r -> assertThat(r.status()).isEqualTo(200));
        return replies;
    }
}
