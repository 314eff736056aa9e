package io.tunelab.server.http;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;
import io.tunelab.api.TrialState;
import io.tunelab.api.WarmStart;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TrialQueue;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static io.tunelab.server.http.HttpSecurityTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enqueue, the queue, CSV import and warm start over real HTTP: the SDK's calls, and every refusal
 * (bad params, bad rows, wrong state, no token, a read token, a cross-site Origin, an oversized
 * body, a CSV sent as something else) with its status and code, changing nothing.
 */
class QueueApiTest {
    private static final String ENQUEUE = "/api/experiments/sweep/trials/enqueue";
    private static final String IMPORT = "/api/experiments/sweep/trials/import";

    @RegisterExtension
    final TestServer server = new TestServer();
    RawHttp raw;
    String admin;
    TunelabClient client;
    ExperimentHandle experiment;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        admin = server.adminToken();
        client = server.client();
        experiment = client.launch(spec("sweep").build());
    }

    private static ExperimentSpec.Builder spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .param("opt", CategoricalParam.of("sgd", "adam")).trials(10).seed(7L);
    }

    private static Map<String, String> csv(String token) {
        return Map.of("Authorization", "Bearer " + token, "Content-Type", "text/csv");
    }

    private int trials() {
        return client.trials("sweep").size();
    }

    @Test
    void theSdkEnqueuesListsAndImportsAndTheNextAskHandsOutTheQueue() {
        Trial queued = experiment.enqueue(Map.of("x", 0.125, "opt", "adam"));
        Trial partial = experiment.enqueue(Map.of("opt", "sgd"));
        assertThat(queued.state()).isEqualTo(TrialState.WAITING);
        assertThat(partial.params()).containsKey("x").containsEntry("opt", "sgd");
        assertThat(TrialQueue.of(client).queued("sweep")).extracting(Trial::id).containsExactly(queued.id(), partial.id());

        assertThat(experiment.ask().params()).isEqualTo(queued.params());
        assertThat(client.askLeased("sweep").params()).isEqualTo(partial.params());
        assertThat(TrialQueue.of(client).queued("sweep")).isEmpty();

        TrialImport imported = TrialQueue.of(client).importCsv("sweep",
                "params_x,params_opt,values_loss,state\r\n0.5,sgd,0.25,COMPLETE\r\n0.75,adam,,RUNNING\r\n");
        assertThat(imported.imported()).isEqualTo(1);
        assertThat(imported.skipped()).isEqualTo(1);
        assertThat(client.trial(imported.trials().getFirst()).provenance()).containsKey("imported");
        assertThat(client.leaderboard("sweep", 5)).extracting(Trial::id).containsExactly(imported.trials().getFirst());

        ExperimentHandle warm = client.launch(spec("warm").warmStart(WarmStart.of("sweep", 3)).build());
        assertThat(client.trials("warm")).singleElement().satisfies(t -> {
            assertThat(t.provenance().get("imported")).isEqualTo(Map.of("from", "sweep", "trial", imported.trials().getFirst().intValue()));
            assertThat(t.values()).containsEntry("loss", 0.25);
        });
        assertThat(warm.ask().number()).isEqualTo(1);
    }

    @Test
    void aRetriedEnqueueWithTheSameRequestIdEnqueuesOnce() throws Exception {
        var headers = new HashMap<>(bearer(admin));
        headers.put("Tunelab-Request-Id", "enqueue-1");
        var first = raw.send("POST", ENQUEUE, headers, "{\"params\": {\"x\": 0.5, \"opt\": \"sgd\"}}");
        var retry = raw.send("POST", ENQUEUE, headers, "{\"params\": {\"x\": 0.5, \"opt\": \"sgd\"}}");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(TrialQueue.of(client).queued("sweep")).hasSize(1);
        headers.put("Tunelab-Request-Id", "not valid!");
        assertRefused(raw.send("POST", ENQUEUE, headers, "{\"params\": {}}"), 400, ErrorCode.INVALID_ARGUMENT, "request id");
        assertThat(trials()).isEqualTo(1);
    }

    @Test
    void badEnqueuesAreRefusedAndStoreNothing() throws Exception {
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{\"params\": {\"x\": 2}}"), 400, ErrorCode.INVALID_VALUE,
                "param \"x\": 2.0 is outside [0.0, 1.0]");
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{\"params\": {\"lr\": 0.1}}"), 400, ErrorCode.INVALID_VALUE,
                "param \"lr\" is not in the search space");
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{\"params\": {\"opt\": \"rmsprop\"}}"), 400, ErrorCode.INVALID_VALUE,
                "rmsprop is not one of [sgd, adam]");
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{}"), 400, ErrorCode.INVALID_VALUE, "an enqueue needs params");
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{\"params\": 3}"), 400, ErrorCode.MALFORMED_BODY, "params");
        assertRefused(raw.send("POST", "/api/experiments/ghost/trials/enqueue", bearer(admin), "{\"params\": {}}"), 404,
                ErrorCode.NOT_FOUND, "ghost");
        assertThat(trials()).isZero();

        experiment.stop();
        assertRefused(raw.send("POST", ENQUEUE, bearer(admin), "{\"params\": {\"x\": 0.5}}"), 409, ErrorCode.INVALID_STATE,
                "is STOPPED; enqueue into a RUNNING or PAUSED experiment");
        assertThat(trials()).isZero();
    }

    @Test
    void aSpecWhoseWarmStartCannotBeMadeIsRefusedAndCreatesNothing() throws Exception {
        String yaml = "name: warm\nobjective: {metric: loss}\nspace: {x: {type: float, low: 0, high: 1}}\n";
        var headers = Map.of("Authorization", "Bearer " + admin, "Content-Type", "application/yaml");
        assertRefused(raw.send("POST", "/api/experiments", headers, yaml + "warm_start: {from: ghost, top: 5}"), 400,
                ErrorCode.INVALID_SPEC, "warm_start.from: no experiment with id or name \"ghost\"");
        assertRefused(raw.send("POST", "/api/experiments", headers, yaml + "warm_start: {from: sweep, top: 0}"), 400,
                ErrorCode.INVALID_SPEC, "warm_start.top must be between 1 and 10000");
        assertRefused(raw.send("POST", "/api/experiments", headers, yaml.replace("loss}", "loss, direction: maximize}")
                + "warm_start: {from: sweep, top: 5}"), 400, ErrorCode.INVALID_SPEC, "same objectives");
        assertThat(client.experiments()).extracting(s -> s.name()).containsExactly("sweep");
    }

    @Test
    void badImportsAreRefusedWithTheirRowAndColumnAndImportNothing() throws Exception {
        String header = "params_x,params_opt,values_loss,state\r\n";
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,sgd,0.1,COMPLETE\r\n0.5,sgd,oops,COMPLETE\r\n"), 400,
                ErrorCode.INVALID_VALUE, "row 2, column values_loss: \"oops\" is not a finite number");
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,lbfgs,0.1,COMPLETE\r\n"), 400, ErrorCode.INVALID_VALUE,
                "row 1, column params_opt: lbfgs is not one of [sgd, adam]");
        assertRefused(raw.send("POST", IMPORT, bearer(admin), header + "0.5,sgd,0.1,COMPLETE\r\n"), 415,
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, "must be text/csv");
        assertRefused(raw.send("POST", IMPORT, csv(admin), "params_x,params_opt,params_x,values_loss\r\n0.5,sgd,0.9,0.1\r\n"), 400,
                ErrorCode.INVALID_VALUE, "header, column params_x: it is column 1 and column 3; keep one");
        assertThat(trials()).isZero();
    }

    @Test
    void malformedCsvIsRefusedWithItsLineOrRowAndImportsNothing() throws Exception {
        String header = "params_x,params_opt,values_loss,state\r\n";
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,sgd,0.1,COMPLETE\r\n0.5,\"sgd,0.1,COMPLETE\r\n"), 400,
                ErrorCode.INVALID_VALUE, "line 3: a quoted field is never closed");
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,\"sgd\"x,0.1,COMPLETE\r\n"), 400,
                ErrorCode.INVALID_VALUE, "line 2: the text is not CSV");
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,sgd,0.1,COMPLETE\r\n0.5,sgd,0.1\r\n"), 400,
                ErrorCode.INVALID_VALUE, "row 2: has 3 cells, the header 4");
        assertRefused(raw.send("POST", IMPORT, csv(admin), header + "0.5,sgd,0.1,COMPLETE,extra\r\n"), 400,
                ErrorCode.INVALID_VALUE, "row 1: has 5 cells, the header 4; quote a cell that holds a comma");
        assertThat(trials()).isZero();
        assertThat(raw.send("POST", IMPORT, csv(admin), "\uFEFF" + header + "\"0.5\",\"sgd\",0.1,COMPLETE\r\n").status())
                .as("a byte order mark and quoted cells import").isEqualTo(201);
        assertThat(trials()).isEqualTo(1);
    }

    @Test
    void everyNewRouteNeedsItsScopeRefusesOtherSitesAndBoundsItsBody() throws Exception {
        String reader = server.api().tokens().create("viewer", Set.of(Scope.READ)).secret();
        String body = "{\"params\": {\"x\": 0.5}}";
        String rows = "params_x,params_opt,values_loss\r\n0.5,sgd,0.1\r\n";
        for (var write : List.of(new String[]{ENQUEUE, "application/json", body}, new String[]{IMPORT, "text/csv", rows})) {
            assertRefused(raw.send("POST", write[0], Map.of("Content-Type", write[1]), write[2]), 401, ErrorCode.UNAUTHENTICATED, "token");
            assertRefused(raw.send("POST", write[0], Map.of("Authorization", "Bearer " + reader, "Content-Type", write[1]), write[2]),
                    403, ErrorCode.FORBIDDEN, "needs write");
            var crossSite = new HashMap<>(Map.of("Authorization", "Bearer " + admin, "Content-Type", write[1]));
            crossSite.put("Origin", "http://evil.example");
            assertRefused(raw.send("POST", write[0], crossSite, write[2]), 403, ErrorCode.FORBIDDEN, "origin");
            String big = write[1].equals("text/csv") ? "params_x,params_opt,values_loss\r\n" + "0.5,sgd,0.1\r\n".repeat(120_000)
                    : "{\"params\": {\"x\": \"" + "x".repeat((int) HttpApi.MAX_JSON_BYTES + 10) + "\"}}";
            assertRefused(raw.send("POST", write[0], Map.of("Authorization", "Bearer " + admin, "Content-Type", write[1]), big), 413,
                    ErrorCode.BODY_TOO_LARGE, "JSON, YAML and CSV bodies up to " + HttpApi.MAX_JSON_BYTES / 1024 + " KB");
        }
        assertRefused(raw.send("GET", "/api/experiments/sweep/trials/queue", Map.of(), (String) null), 401, ErrorCode.UNAUTHENTICATED,
                "token");
        assertThat(raw.send("GET", "/api/experiments/sweep/trials/queue", bearer(reader), (String) null).status()).isEqualTo(200);
        assertThat(trials()).isZero();
    }
}
