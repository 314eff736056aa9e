package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way past the server's access checks that a browser page, a stray process or a
 * wrong token could try, against a real server: each is refused with its status and code, and
 * nothing changes.
 */
class HttpSecurityTest {
    static final String SPEC = "{\"name\": \"probe\", \"objective\": {\"metric\": \"loss\", \"direction\": \"minimize\"}, "
            + "\"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}, \"budget\": {\"trials\": 20}}";

    @RegisterExtension
    final TestServer server = new TestServer();
    RawHttp raw;
    String admin;
    TunelabClient adminClient;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        admin = server.api().newAdminToken().orElseThrow();
        adminClient = server.client();
        adminClient.launch(ExperimentSpec.builder("target").minimize("loss").param("x", FloatParam.of(0, 1)).trials(20).build());
    }

    String token(String name, Scope... scopes) {
        return server.api().tokens().create(name, Set.of(scopes)).secret();
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    static void assertRefused(RawHttp.Reply reply, int status, ErrorCode code, String messagePart) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json()).containsEntry("code", code.name());
        assertThat((String) reply.json().get("message")).contains(messagePart);
    }

    ExperimentState state() {
        return adminClient.describe("target").state();
    }

    @Test
    void theFirstStartWritesTheAdminTokenForItsOwnerOnlyAndKeepsOnlyItsHash() throws Exception {
        Path file = server.dataDir().resolve(ApiServer.ADMIN_TOKEN_FILE);
        assertThat(Files.readString(file).strip()).isEqualTo(admin).startsWith("tl_").hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        server.restart();
        assertThat(server.api().newAdminToken()).as("a later start makes no new admin token").isEmpty();
        adminClient = server.client();
        assertThat(adminClient.tokens()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("admin");
            assertThat(t.secret()).isNull();
        });
        for (Path p : Files.list(server.dataDir()).toList()) {
            if (p.getFileName().toString().endsWith(".mv.db")) {
                assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(admin);
            }
        }
    }

    @Test
    void withoutATokenOnlyHealthAndTheUiAnswer() throws Exception {
        assertThat(raw.send("GET", "/health", Map.of(), (String) null).status()).isEqualTo(200);
        assertThat(raw.send("GET", "/", Map.of(), (String) null).status()).isEqualTo(200);
        assertRefused(raw.send("GET", "/api/experiments", Map.of(), (String) null), 401, ErrorCode.UNAUTHENTICATED, "needs a token");
        assertRefused(raw.send("POST", "/api/experiments", Map.of("Content-Type", "application/json"), SPEC), 401,
                ErrorCode.UNAUTHENTICATED, "needs a token");
        assertRefused(raw.send("POST", "/api/experiments/target/stop", Map.of("Authorization", "Bearer tl_forged"), (String) null),
                401, ErrorCode.UNAUTHENTICATED, "no valid token");
        assertRefused(raw.send("GET", "/metrics", Map.of(), (String) null), 401, ErrorCode.UNAUTHENTICATED, "needs a token");
        assertThat(adminClient.experiments()).hasSize(1);
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
    }

    @Test
    void aForeignOriginIsRefusedAndTheServersOwnIsNot() throws Exception {
        var headers = new java.util.HashMap<>(bearer(admin));
        headers.put("Origin", "http://evil.example");
        assertRefused(raw.send("POST", "/api/experiments/target/stop", headers, "{}"), 403, ErrorCode.FORBIDDEN, "evil.example");
        assertRefused(raw.send("POST", "/api/experiments", headers, SPEC.replace("probe", "evil")), 403, ErrorCode.FORBIDDEN, "origin");
        headers.put("Origin", "null");
        assertRefused(raw.send("POST", "/api/experiments/target/pause", headers, "{}"), 403, ErrorCode.FORBIDDEN, "origin");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(adminClient.experiments()).hasSize(1);
        headers.put("Origin", "http://127.0.0.1:" + server.port());
        assertThat(raw.send("POST", "/api/experiments/target/pause", headers, "{}").status()).isEqualTo(200);
        assertThat(state()).isEqualTo(ExperimentState.PAUSED);
    }

    @Test
    void anAllowedOriginAndAnAllowedHostAreLetIn(@TempDir Path other) throws Exception {
        var access = new io.tunelab.server.http.auth.AccessConfig(List.of("tunelab.example.com"),
                List.of("https://dash.example.com/"), null, null, false);
        try (var allowing = ApiServer.start(new ServerConfig("127.0.0.1", 0, other, null, null, access))) {
            var r = new RawHttp(allowing.port());
            String token = allowing.newAdminToken().orElseThrow();
            var headers = new java.util.HashMap<>(bearer(token));
            headers.put("Host", "TuneLab.example.com:8443");
            headers.put("Origin", "https://dash.example.com");
            assertThat(r.send("GET", "/api/experiments", headers, (String) null).status()).isEqualTo(200);
            headers.put("Host", "other.example.com");
            assertRefused(r.send("GET", "/api/experiments", headers, (String) null), 403, ErrorCode.FORBIDDEN, "--allowed-hosts");
        }
    }

    @Test
    void aWrongHostIsRefusedEvenForTheUi() throws Exception {
        var headers = new java.util.HashMap<>(bearer(admin));
        headers.put("Host", "rebound.evil.example:" + server.port());
        assertRefused(raw.send("POST", "/api/experiments/target/stop", headers, "{}"), 403, ErrorCode.FORBIDDEN, "--allowed-hosts");
        assertRefused(raw.send("GET", "/", headers, (String) null), 403, ErrorCode.FORBIDDEN, "Host");
        headers.remove("Host");
        headers.put("Host", null);
        assertRefused(raw.send("GET", "/api/experiments", headers, (String) null), 403, ErrorCode.FORBIDDEN, "names no Host");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        headers.put("Host", "localhost:" + server.port());
        assertThat(raw.send("GET", "/api/experiments", headers, (String) null).status()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotJsonOrYamlIsRefused() throws Exception {
        var headers = new java.util.HashMap<>(bearer(admin));
        headers.put("Content-Type", "text/plain");
        assertRefused(raw.send("POST", "/api/experiments", headers, SPEC), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "text/plain");
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        assertRefused(raw.send("POST", "/api/experiments/target/stop", headers, "a=b"), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "body must be application/json, not application/x-www-form-urlencoded");
        // YAML is read where a sweep spec is sent; elsewhere it would meet a JSON parser.
        headers.put("Content-Type", "application/yaml");
        assertRefused(raw.send("POST", "/api/experiments/target/trials", headers, "lease: true\n"), 415,
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a POST /api/experiments/target/trials body must be application/json, not application/yaml");
        assertThat(adminClient.trials("target")).as("no trial asked").isEmpty();
        headers.remove("Content-Type");
        assertRefused(raw.send("POST", "/api/experiments", headers, SPEC), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "without Content-Type");
        assertThat(adminClient.experiments()).hasSize(1);
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        headers.put("Content-Type", "application/yaml; charset=utf-8");
        assertThat(raw.send("POST", "/api/experiments", headers, "name: yaml-ok\nobjective: {metric: loss}\n"
                + "space: {x: {type: float, low: 0, high: 1}}\n").status()).isEqualTo(201);
    }

    @Test
    void aReadTokenCannotWriteAndAWorkerTokenCannotStop() throws Exception {
        String reader = token("dashboard", Scope.READ);
        String worker = token("gpu-box-1", Scope.WORKER);
        assertThat(raw.send("GET", "/api/experiments/target", bearer(reader), (String) null).status()).isEqualTo(200);
        assertRefused(raw.send("POST", "/api/experiments/target/stop", bearer(reader), "{}"), 403, ErrorCode.FORBIDDEN, "needs write");
        assertRefused(raw.send("POST", "/api/experiments", bearer(reader), SPEC), 403, ErrorCode.FORBIDDEN, "needs write");
        assertRefused(raw.send("POST", "/api/experiments/target/stop", bearer(worker), "{}"), 403, ErrorCode.FORBIDDEN, "needs write");
        assertRefused(raw.send("GET", "/api/experiments", bearer(worker), (String) null), 403, ErrorCode.FORBIDDEN, "needs read");
        assertRefused(raw.send("POST", "/api/tokens", bearer(reader), "{\"name\": \"mine\", \"scopes\": [\"admin\"]}"), 403,
                ErrorCode.FORBIDDEN, "needs admin");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(adminClient.experiments()).hasSize(1);
        assertThat(adminClient.tokens()).extracting(t -> t.name()).containsExactly("admin", "dashboard", "gpu-box-1");
        try (var sdk = TunelabClient.connect(server.url(), reader)) {
            assertThatThrownBy(() -> sdk.stop("target")).isInstanceOf(TunelabException.Forbidden.class);
        }
        try (var anonymous = TunelabClient.connect(server.url())) {
            assertThatThrownBy(anonymous::experiments).isInstanceOf(TunelabException.Unauthenticated.class);
        }
    }

    @Test
    void aWorkerTokenStopsAnExperimentByItsDataReportOnlyUnderTheLiveLeaseOfOneOfItsTrials() throws Exception {
        String worker = token("gpu-box-1", Scope.WORKER);
        adminClient.launch(ExperimentSpec.builder("elsewhere").minimize("loss").param("x", FloatParam.of(0, 1)).trials(20).build());
        TrialProposal elsewhere = adminClient.askLeased("elsewhere");
        String unusable = "{\"usable\": false, \"problems\": [\"planted\"]}";

        assertRefused(raw.send("PUT", "/api/experiments/target/data-report", bearer(worker), unusable), 400,
                ErrorCode.INVALID_ARGUMENT, "?leaseId=");
        assertRefused(raw.send("PUT", "/api/experiments/target/data-report?leaseId=" + UUID.randomUUID(), bearer(worker), unusable), 409,
                ErrorCode.LEASE_LOST, "holds no unfinished trial of experiment target");
        assertRefused(raw.send("PUT", "/api/experiments/target/data-report?leaseId=" + elsewhere.leaseId(), bearer(worker), unusable), 409,
                ErrorCode.LEASE_LOST, "holds no unfinished trial of experiment target");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(raw.send("GET", "/api/experiments/target/data-report", bearer(admin), (String) null).status()).isEqualTo(404);

        TrialProposal own = adminClient.askLeased("target");
        var stored = raw.send("PUT", "/api/experiments/target/data-report?leaseId=" + own.leaseId(), bearer(worker), unusable);
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        var stopped = adminClient.describe("target");
        assertThat(stopped.state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(stopped.summary().stopReason()).isEqualTo("unusable data: planted");
        assertThat(stopped.updatedBy()).isEqualTo("gpu-box-1");
    }

    @Test
    void aRequestCarryingTwiceAHeaderItsAccessIsDecidedByIsRefused() throws Exception {
        // Header names are case-insensitive: two keys of one name in other cases are two headers of it.
        Map<String, String> twoOrigins = new java.util.LinkedHashMap<>(bearer(admin));
        twoOrigins.put("Origin", server.url());
        twoOrigins.put("origin", "https://evil.example");
        assertRefused(raw.send("POST", "/api/experiments/target/pause", twoOrigins, "{}"), 400, ErrorCode.INVALID_ARGUMENT,
                "the request has 2 Origin headers; send it once");
        Map<String, String> twoTokens = new java.util.LinkedHashMap<>(bearer(admin));
        twoTokens.put("authorization", "Bearer tl_x");
        assertRefused(raw.send("POST", "/api/experiments/target/pause", twoTokens, "{}"), 400, ErrorCode.INVALID_ARGUMENT,
                "2 Authorization headers");
        Map<String, String> twoHosts = new java.util.LinkedHashMap<>(bearer(admin));
        twoHosts.put("host", "evil.example");
        assertRefused(raw.send("POST", "/api/experiments/target/pause", twoHosts, "{}"), 400, ErrorCode.INVALID_ARGUMENT,
                "2 Host headers");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(raw.send("POST", "/api/experiments/target/pause", bearer(admin), "{}").status()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedNamingTheByteAndStoresNothing() throws Exception {
        byte[] latin1 = SPEC.replace("\"probe\"", "\"caf\u00e9\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = new String(latin1, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\u00e9');
        assertRefused(raw.send("POST", "/api/experiments", bearer(admin), latin1), 400, ErrorCode.MALFORMED_BODY,
                "the body is not UTF-8 text: byte " + at + " (0xe9)");
        byte[] notes = "{\"notes\": \"n\u00ff\u00fe\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertRefused(raw.send("PATCH", "/api/experiments/target", bearer(admin), notes), 400, ErrorCode.MALFORMED_BODY,
                "not UTF-8 text");
        assertThat(adminClient.experiments()).extracting(e -> e.name()).containsExactly("target");
        assertThat(adminClient.describe("target").summary().labels().notes()).isNull();
        byte[] utf8 = SPEC.replace("\"probe\"", "\"caf\u00e9\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(raw.send("POST", "/api/experiments", bearer(admin), utf8).status()).isEqualTo(201);
        assertThat(adminClient.describe("caf\u00e9").name()).isEqualTo("caf\u00e9");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() throws Exception {
        String ci = token("ci", Scope.WRITE);
        assertThat(raw.send("POST", "/api/experiments/target/pause", bearer(ci), "{}").status()).isEqualTo(200);
        adminClient.revokeToken("ci");
        assertRefused(raw.send("POST", "/api/experiments/target/resume", bearer(ci), "{}"), 401, ErrorCode.UNAUTHENTICATED, "revoked");
        assertThat(state()).isEqualTo(ExperimentState.PAUSED);
        assertThat(adminClient.tokens()).filteredOn(t -> t.name().equals("ci")).singleElement()
                .satisfies(t -> assertThat(t.revoked()).isNotNull());
        assertThatThrownBy(() -> adminClient.createToken("ci", List.of("read"))).isInstanceOf(TunelabException.DuplicateName.class);
    }

    @Test
    void everyWriteRecordsTheTokenThatMadeIt() throws Exception {
        String ci = token("ci-writer", Scope.WRITE);
        try (var sdk = TunelabClient.connect(server.url(), ci)) {
            var handle = sdk.launch(SPEC);
            assertThat(handle.info().createdBy()).isEqualTo("ci-writer");
            TrialProposal t = handle.ask();
            handle.tell(t.id(), 0.5);
            assertThat(sdk.trial(t.id()).toldBy()).isEqualTo("ci-writer");
            assertThat(raw.send("GET", "/api/trials/" + t.id(), bearer(ci), (String) null).json()).containsEntry("toldBy", "ci-writer");
            assertThat(raw.send("GET", "/api/experiments/probe", bearer(ci), (String) null).json()).containsEntry("createdBy", "ci-writer");
        }
    }

    @Test
    void pauseResumeAndStopRecordTheirTokenAndAStopNamesItInItsReason() throws Exception {
        String ops = token("ops", Scope.WRITE);
        String night = token("nightly", Scope.WRITE);
        assertThat(adminClient.describe("target").updatedBy()).isNull();
        assertThat(raw.send("POST", "/api/experiments/target/pause", bearer(ops), "{}").json()).containsEntry("updatedBy", "ops");
        assertThat(raw.send("POST", "/api/experiments/target/resume", bearer(night), "{}").json()).containsEntry("updatedBy", "nightly");
        assertThat(raw.send("POST", "/api/experiments/target/stop", bearer(ops), "{}").status()).isEqualTo(200);
        var stopped = adminClient.describe("target");
        assertThat(stopped.updatedBy()).isEqualTo("ops");
        assertThat(stopped.summary().stopReason()).isEqualTo("stopped by token ops");
        // A refused write records nobody.
        String reader = token("viewer", Scope.READ);
        assertRefused(raw.send("POST", "/api/experiments/target/resume", bearer(reader), "{}"), 403, ErrorCode.FORBIDDEN, "write");
        assertThat(adminClient.describe("target").updatedBy()).isEqualTo("ops");
        // It survives a restart.
        server.restart();
        adminClient = server.client();
        assertThat(adminClient.describe("target").updatedBy()).isEqualTo("ops");
    }

    @Test
    void aModelIsStoredOnlyUnderTheLiveLeaseAndNeverAfterTheTell() throws Exception {
        TrialProposal t = adminClient.askLeased("target");
        byte[] model = {1, 2, 3, 4};
        String other = token("gpu-box-2", Scope.WORKER);
        try (var worker = TunelabClient.connect(server.url(), other)) {
            assertThatThrownBy(() -> worker.uploadModel(t.id(), UUID.randomUUID().toString(), new byte[]{9}))
                    .isInstanceOf(TunelabException.LeaseLost.class);
            worker.uploadModel(t.id(), t.leaseId(), model);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        assertThat(adminClient.trial(t.id()).provenance()).containsEntry("model_sha256", sha);
        assertThatThrownBy(() -> adminClient.result(t.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.25), null, null,
                t.leaseId(), Map.of("model_sha256", "forged"))))
                .isInstanceOf(TunelabException.class).hasMessageContaining("provenance key \"model_sha256\" is recorded by the server alone");
        assertThat(adminClient.trial(t.id()).state()).isEqualTo(TrialState.RUNNING);
        adminClient.result(t.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.25), null, null, t.leaseId(), Map.of("host", "b")));
        assertThat(adminClient.trial(t.id()).provenance()).as("a result cannot overwrite the digest").containsEntry("model_sha256", sha);
        var headers = Map.of("Authorization", "Bearer " + admin, "Content-Type", "application/octet-stream");
        assertRefused(raw.send("PUT", "/api/trials/" + t.id() + "/model?leaseId=" + t.leaseId(), headers, new byte[]{6, 6, 6}),
                409, ErrorCode.TRIAL_FINISHED, "finished trials never change");
        assertRefused(raw.send("PUT", "/api/trials/" + t.id() + "/model", headers, new byte[]{6, 6, 6}),
                400, ErrorCode.INVALID_ARGUMENT, "lease");
        assertThat(adminClient.downloadModel(t.id())).isEqualTo(model);
        TrialProposal unleased = adminClient.ask("target");
        assertRefused(raw.send("PUT", "/api/trials/" + unleased.id() + "/model?leaseId=" + UUID.randomUUID(), headers, new byte[]{7}),
                409, ErrorCode.LEASE_LOST, "without a lease");
        assertRefused(raw.send("GET", "/api/trials/" + unleased.id() + "/model", bearer(admin), (String) null),
                404, ErrorCode.NOT_FOUND, "model");
    }

    @Test
    void anOversizedBodyIsRefusedWithoutEffect() throws Exception {
        String big = "{\"name\": \"huge\", \"objective\": {\"metric\": \"loss\"}, \"space\": {\"x\": {\"type\": \"float\", "
                + "\"low\": 0, \"high\": 1}}, \"padding\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertRefused(raw.send("POST", "/api/experiments", bearer(admin), big), 413, ErrorCode.BODY_TOO_LARGE, "KB");
        assertThat(adminClient.experiments()).hasSize(1);
    }

    @Test
    void aSessionCookieNeedsItsCsrfHeaderForChangesAndCarriesTheEventStream() throws Exception {
        RawHttp.Reply login = raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"),
                "{\"token\": \"" + admin + "\"}");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = (String) login.json().get("csrf");
        assertThat(login.json()).containsEntry("name", "admin").containsEntry("scopes", List.of("admin"));

        assertThat(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null).status()).isEqualTo(200);
        assertThat(raw.send("GET", "/api/session", Map.of("Cookie", cookie), (String) null).json()).containsEntry("csrf", csrf);
        assertRefused(raw.send("POST", "/api/experiments/target/stop", Map.of("Cookie", cookie, "Content-Type", "application/json"), "{}"),
                403, ErrorCode.FORBIDDEN, "X-Tunelab-CSRF");
        assertRefused(raw.send("POST", "/api/experiments/target/stop", Map.of("Cookie", cookie, "Content-Type", "application/json",
                "X-Tunelab-CSRF", "guessed"), "{}"), 403, ErrorCode.FORBIDDEN, "X-Tunelab-CSRF");
        assertThat(state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(raw.send("POST", "/api/experiments/target/stop", Map.of("Cookie", cookie, "Content-Type", "application/json",
                "X-Tunelab-CSRF", csrf), "{}").status()).isEqualTo(200);
        assertThat(state()).isEqualTo(ExperimentState.STOPPED);

        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<java.io.InputStream> events = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/events"))
                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(events.statusCode()).isEqualTo(200);
            assertThat(events.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            events.body().close();
        }
        adminClient.createToken("short-lived", List.of("read"));
        // A logout with a body of fields is refused before the session ends.
        assertRefused(raw.send("DELETE", "/api/session", Map.of("Cookie", cookie, "X-Tunelab-CSRF", csrf, "Content-Type",
                "application/json"), "{\"everywhere\": true}"), 400, ErrorCode.MALFORMED_BODY, "a delete takes no fields");
        assertThat(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null).status()).isEqualTo(200);
        assertThat(raw.send("DELETE", "/api/session", Map.of("Cookie", cookie, "X-Tunelab-CSRF", csrf), (String) null).status()).isEqualTo(200);
        assertRefused(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null), 401, ErrorCode.UNAUTHENTICATED, "session");
    }

    @Test
    void aSessionEndsWhenItsTokenIsRevokedAndALoginCodeWorksOnce() throws Exception {
        String reader = token("viewer", Scope.READ);
        RawHttp.Reply login = raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), "{\"token\": \"" + reader + "\"}");
        String cookie = login.header("Set-Cookie").substring(0, login.header("Set-Cookie").indexOf(';'));
        assertThat(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null).status()).isEqualTo(200);
        adminClient.revokeToken("viewer");
        assertRefused(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null), 401, ErrorCode.UNAUTHENTICATED, "revoked");

        String link = server.api().loginLink().orElseThrow();
        assertThat(link).startsWith(server.url() + "/login#code=");
        String code = link.substring(link.indexOf("#code=") + 6);
        String body = "{\"code\": \"" + code + "\"}";
        assertThat(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), body).json()).containsEntry("name", "admin");
        assertRefused(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), body), 401, ErrorCode.UNAUTHENTICATED, "used");
        assertRefused(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), "{\"token\": \"tl_nope\"}"), 401,
                ErrorCode.UNAUTHENTICATED, "unknown");
        for (String nothing : List.of("{}", "", "{\"token\": null}")) {
            assertRefused(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), nothing), 401,
                    ErrorCode.UNAUTHENTICATED, "neither a token nor a login code");
        }
        RawHttp.Reply page = raw.send("GET", "/login", Map.of(), (String) null);
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).isEqualTo("/");
    }

    @Test
    void aSessionAndALoginLinkOutliveARestartButALogoutDoesNot() throws Exception {
        RawHttp.Reply login = raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), "{\"token\": \"" + admin + "\"}");
        String cookie = login.header("Set-Cookie").substring(0, login.header("Set-Cookie").indexOf(';'));
        String csrf = (String) login.json().get("csrf");
        RawHttp.Reply second = raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), "{\"token\": \"" + admin + "\"}");
        String loggedOut = second.header("Set-Cookie").substring(0, second.header("Set-Cookie").indexOf(';'));
        assertThat(raw.send("DELETE", "/api/session", Map.of("Cookie", loggedOut, "X-Tunelab-CSRF", (String) second.json().get("csrf")),
                (String) null).status()).isEqualTo(200);
        String link = server.api().loginLink().orElseThrow();
        String code = "{\"code\": \"" + link.substring(link.indexOf("#code=") + 6) + "\"}";

        server.restart();
        raw = new RawHttp(server.port());
        adminClient = server.client();
        assertThat(raw.send("GET", "/api/session", Map.of("Cookie", cookie), (String) null).json()).containsEntry("name", "admin")
                .containsEntry("csrf", csrf);
        assertThat(raw.send("POST", "/api/experiments/target/pause", Map.of("Cookie", cookie, "Content-Type", "application/json",
                "X-Tunelab-CSRF", csrf), "{}").status()).isEqualTo(200);
        assertThat(state()).isEqualTo(ExperimentState.PAUSED);
        assertRefused(raw.send("POST", "/api/experiments/target/resume", Map.of("Cookie", cookie, "Content-Type", "application/json"),
                "{}"), 403, ErrorCode.FORBIDDEN, "X-Tunelab-CSRF");
        assertRefused(raw.send("GET", "/api/experiments", Map.of("Cookie", loggedOut), (String) null), 401, ErrorCode.UNAUTHENTICATED,
                "logged out");
        assertThat(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), code).json()).containsEntry("name", "admin");

        server.restart();
        raw = new RawHttp(server.port());
        adminClient = server.client();
        assertRefused(raw.send("POST", "/api/session", Map.of("Content-Type", "application/json"), code), 401, ErrorCode.UNAUTHENTICATED,
                "used");
        assertThat(raw.send("DELETE", "/api/session", Map.of("Cookie", cookie, "X-Tunelab-CSRF", csrf), (String) null).status()).isEqualTo(200);
        server.restart();
        raw = new RawHttp(server.port());
        adminClient = server.client();
        assertRefused(raw.send("GET", "/api/experiments", Map.of("Cookie", cookie), (String) null), 401, ErrorCode.UNAUTHENTICATED, "session");
        assertThat(state()).isEqualTo(ExperimentState.PAUSED);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (RawHttp.Reply r : List.of(raw.send("GET", "/", Map.of(), (String) null), raw.send("GET", "/health", Map.of(), (String) null),
                raw.send("GET", "/api/experiments", Map.of(), (String) null), raw.send("GET", "/api/experiments", bearer(admin), (String) null))) {
            assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
    }

    @Test
    void aServerBeyondLoopbackNeedsTlsOrAProxy() {
        assertThatThrownBy(() -> new ServerConfig("0.0.0.0", 0, server.dataDir(), null, null))
                .isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("--tls-cert").hasMessageContaining("--tls-key").hasMessageContaining("--behind-proxy");
        var proxied = new io.tunelab.server.http.auth.AccessConfig(List.of(), List.of(), null, null, true);
        assertThat(new ServerConfig("0.0.0.0", 0, server.dataDir(), null, null, proxied).host()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> new io.tunelab.server.http.auth.AccessConfig(List.of(), List.of(), server.dataDir(), null, false))
                .hasMessageContaining("--tls-cert and --tls-key go together");
    }

    /** An origin or host that could never match is refused at start, instead of leaving its caller refused. */
    @Test
    void anAllowedOriginOrHostThatCouldNeverMatchIsRefused() {
        for (String origin : List.of("notaurl", "dash.example.com", "https://dash.example.com/app", "*", "ftp://x.example.com",
                "https://user@dash.example.com", "https://dash.example.com?x=1")) {
            assertThatThrownBy(() -> new io.tunelab.server.http.auth.AccessConfig(List.of(), List.of(origin), null, null, false))
                    .as(origin).isInstanceOf(TunelabException.InvalidArgument.class)
                    .hasMessageStartingWith("--allowed-origins: \"" + origin + "\" is not a browser origin")
                    .hasMessageContaining("as https://dash.example.com");
        }
        assertThatThrownBy(() -> new io.tunelab.server.http.auth.AccessConfig(List.of(), List.of("*"), null, null, false))
                .hasMessageContaining("a wildcard would let every web site call this server");
        for (String host : List.of("https://tunelab.example.com", "*.example.com", "tunelab.example.com/x", "")) {
            assertThatThrownBy(() -> new io.tunelab.server.http.auth.AccessConfig(List.of(host), List.of(), null, null, false))
                    .as(host).isInstanceOf(TunelabException.InvalidArgument.class)
                    .hasMessageStartingWith("--allowed-hosts: \"" + host + "\" is not a host name");
        }
        var fine = new io.tunelab.server.http.auth.AccessConfig(List.of("tunelab.example.com:8443", "[::1]"),
                List.of("https://dash.example.com:8443/", "http://localhost:5173"), null, null, false);
        assertThat(fine.allowedOrigins()).containsExactly("https://dash.example.com:8443", "http://localhost:5173");
    }

    @Test
    void aTokenOfNoScopeOrABadNameIsRefused() throws Exception {
        assertRefused(raw.send("POST", "/api/tokens", bearer(admin), "{\"name\": \"x\", \"scopes\": []}"), 400,
                ErrorCode.INVALID_ARGUMENT, "at least one scope");
        assertRefused(raw.send("POST", "/api/tokens", bearer(admin), "{\"name\": \"bad name\", \"scopes\": [\"read\"]}"), 400,
                ErrorCode.INVALID_ARGUMENT, "not valid");
        assertRefused(raw.send("DELETE", "/api/tokens/ghost", bearer(admin), (String) null), 404, ErrorCode.NOT_FOUND, "ghost");
        adminClient.createToken("kept", List.of("read"));
        var withFields = new java.util.HashMap<>(bearer(admin));
        withFields.put("Content-Type", "application/json");
        assertRefused(raw.send("DELETE", "/api/tokens/kept", withFields, "{\"reason\": \"left\"}"), 400, ErrorCode.MALFORMED_BODY,
                "a delete takes no fields; send no body or {}, got \"reason\"");
        assertThat(adminClient.tokens()).filteredOn(t -> t.name().equals("kept")).singleElement()
                .satisfies(t -> assertThat(t.revoked()).isNull());
        assertThat(raw.send("DELETE", "/api/tokens/kept", withFields, "{}").status()).isEqualTo(200);
        String adminName = adminClient.tokens().getFirst().name();
        assertRefused(raw.send("DELETE", "/api/tokens/" + adminName, bearer(admin), (String) null), 409, ErrorCode.INVALID_STATE,
                "is the last admin token");
        assertThat(adminClient.tokens()).filteredOn(t -> t.revoked() == null).hasSize(1);
        Map<String, Object> created = raw.send("POST", "/api/tokens", bearer(admin),
                "{\"name\": \"gpu-box-1\", \"scopes\": [\"worker\"]}").json();
        assertThat((String) created.get("secret")).startsWith("tl_");
        assertThat(Json.write(adminClient.tokens())).doesNotContain((String) created.get("secret"));
    }
}
