package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Artifacts;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static io.tunelab.server.http.HttpSecurityTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Experiment management over real HTTP: rename, tags, notes and archive (PATCH), the list
 * filtered by tag and archived flag, delete with everything of the experiment, clone; each write
 * records its token, each refusal says what was wrong and changes nothing, and all of it survives
 * a restart.
 */
class CatalogApiTest {
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
        experiment = client.launch(spec("lr-sweep"));
    }

    private static ExperimentSpec spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(5).seed(7L).build();
    }

    private void restart() {
        server.restart();
        client = server.client();
    }

    @Test
    void renameTagsNotesAndArchiveLandRecordTheTokenAndSurviveARestart() {
        String ci = server.api().tokens().create("ci", Set.of(Scope.WRITE, Scope.READ)).secret();
        try (var byCi = TunelabClient.connect(server.url(), ci)) {
            var handle = byCi.experiment("lr-sweep");
            handle.rename("lr-sweep-v2");
            handle.tag("baseline", "cnn");
            handle.untag("cnn");
            handle.notes("first try; lr too high");
            Experiment archived = handle.archive(true);
            assertThat(archived.updatedBy()).isEqualTo("ci");
            assertThat(handle.name()).isEqualTo("lr-sweep-v2");
        }
        restart();
        Experiment e = client.describe("lr-sweep-v2");
        assertThat(e.spec().name()).isEqualTo("lr-sweep-v2");
        assertThat(e.summary().labels().tags()).containsExactly("baseline");
        assertThat(e.summary().labels().notes()).isEqualTo("first try; lr too high");
        assertThat(e.summary().labels().archived()).isTrue();
        assertThat(e.updatedBy()).isEqualTo("ci");
        assertThatThrownBy(() -> client.describe("lr-sweep")).isInstanceOf(TunelabException.NotFound.class);
        // The old name is free again, and the renamed experiment still runs under its id.
        client.launch(spec("lr-sweep"));
        assertThat(client.experiment("lr-sweep-v2").ask().number()).isZero();
    }

    @Test
    void theListFiltersByTagAndArchivedFlag() throws Exception {
        client.launch(spec("other")).tag("cnn");
        experiment.tag("baseline");
        experiment.archive(true);
        var all = raw.send("GET", "/api/experiments", bearer(admin), (String) null);
        assertThat(all.body()).contains("lr-sweep").contains("other");
        var visible = raw.send("GET", "/api/experiments?archived=false", bearer(admin), (String) null);
        assertThat(visible.body()).doesNotContain("lr-sweep").contains("other");
        var tagged = raw.send("GET", "/api/experiments?tag=baseline", bearer(admin), (String) null);
        assertThat(tagged.body()).contains("lr-sweep").doesNotContain("\"other\"");
        assertRefused(raw.send("GET", "/api/experiments?archived=maybe", bearer(admin), (String) null), 400,
                ErrorCode.INVALID_ARGUMENT, "archived must be true or false");
    }

    @Test
    void badPatchesAreRefusedAndChangeNothing() throws Exception {
        client.launch(spec("taken"));
        String path = "/api/experiments/lr-sweep";
        assertRefused(raw.send("PATCH", path, bearer(admin), "{}"), 400, ErrorCode.INVALID_ARGUMENT, "the patch changes nothing");
        assertRefused(raw.send("PATCH", path, bearer(admin), ""), 400, ErrorCode.MALFORMED_BODY, "needs a JSON body");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"name\": \"taken\"}"), 409, ErrorCode.DUPLICATE_NAME,
                "\"taken\" exists already");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"name\": \"a/b\"}"), 400, ErrorCode.INVALID_SPEC, "must not contain '/'");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"name\": \"123\"}"), 400, ErrorCode.INVALID_SPEC, "all digits");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"addTags\": [\"has space\"]}"), 400, ErrorCode.INVALID_ARGUMENT,
                "tag \"has space\" is not valid");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"notes\": \"" + "n".repeat(10_001) + "\"}"), 400,
                ErrorCode.INVALID_ARGUMENT, "at most 10000");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"notes\": \"red \\u001b[31malert\"}"), 400,
                ErrorCode.INVALID_ARGUMENT, "notes hold a control character other than a line break or a tab");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"addTags\": [\"" + "t".repeat(100_000) + "\"]}"), 400,
                ErrorCode.INVALID_ARGUMENT, "a tag of 100000 characters is not valid; a tag is 1 to 64");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"name\": \"..\"}"), 400, ErrorCode.INVALID_SPEC,
                "name \"..\" cannot be reached in a URL");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"archived\": \"yes\"}"), 400, ErrorCode.MALFORMED_BODY, "archived");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"addTags\": [\"q\"], \"removeTags\": [\"q\"]}"), 400,
                ErrorCode.INVALID_ARGUMENT, "tag \"q\" is both added and removed by this patch; send it in one of them");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"tags\": [\"a\"], \"removeTags\": [\"a\"]}"), 400,
                ErrorCode.INVALID_ARGUMENT, "tag \"a\" is both in tags and removed");
        assertRefused(raw.send("PATCH", path, bearer(admin), "{\"name\": \"tt \"}"), 400, ErrorCode.INVALID_SPEC,
                "starts or ends with white space");
        assertRefused(raw.send("PATCH", "/api/experiments/nope", bearer(admin), "{\"archived\": true}"), 404, ErrorCode.NOT_FOUND,
                "no experiment with id or name \"nope\"");
        String reader = server.api().tokens().create("viewer", Set.of(Scope.READ)).secret();
        assertRefused(raw.send("PATCH", path, bearer(reader), "{\"archived\": true}"), 403, ErrorCode.FORBIDDEN, "needs write");
        Experiment e = client.describe("lr-sweep");
        assertThat(e.summary().labels().tags()).isEmpty();
        assertThat(e.summary().labels().archived()).isFalse();
        assertThat(e.updatedBy()).isNull();
        assertThat(e.summary().labels().notes()).isNull();
    }

    @Test
    void deletingRemovesTheExperimentItsTrialsAndArtifactsAndRefusesARunningOne() throws Exception {
        long trial = experiment.ask().id();
        Artifacts.of(client).upload(trial, null, "log.txt", new byte[]{1, 2});
        experiment.tell(trial, 0.5);
        assertRefused(raw.send("DELETE", "/api/experiments/lr-sweep", bearer(admin), (String) null), 409, ErrorCode.INVALID_STATE,
                "stop or pause it first (tunelab experiment stop lr-sweep, POST /api/experiments/lr-sweep/stop");
        assertThat(client.trial(trial).id()).isEqualTo(trial);
        String reader = server.api().tokens().create("viewer", Set.of(Scope.READ)).secret();
        experiment.stop();
        assertRefused(raw.send("DELETE", "/api/experiments/lr-sweep", bearer(reader), (String) null), 403, ErrorCode.FORBIDDEN, "needs write");
        assertRefused(raw.send("DELETE", "/api/experiments/lr-sweep", bearer(admin), "{\"x\": 1}"), 400, ErrorCode.MALFORMED_BODY,
                "a delete takes no fields; send no body or {}, got \"x\"");
        assertThat(client.trial(trial).id()).as("nothing deleted").isEqualTo(trial);
        experiment.delete();
        assertThatThrownBy(() -> client.describe("lr-sweep")).isInstanceOf(TunelabException.NotFound.class);
        assertThatThrownBy(() -> client.trial(trial)).isInstanceOf(TunelabException.NotFound.class);
        assertThatThrownBy(() -> Artifacts.of(client).list(trial)).isInstanceOf(TunelabException.NotFound.class);
        assertRefused(raw.send("DELETE", "/api/experiments/lr-sweep", bearer(admin), (String) null), 404, ErrorCode.NOT_FOUND, "lr-sweep");
        restart();
        assertThat(client.experiments()).extracting(ExperimentSummary::name).doesNotContain("lr-sweep");
        assertThatThrownBy(() -> client.trial(trial)).isInstanceOf(TunelabException.NotFound.class);
        // Its name is free for a new experiment.
        assertThat(client.launch(spec("lr-sweep")).ask().number()).isZero();
    }

    @Test
    void aCallerStillHoldingALeaseOnADeletedExperimentsTrialIsToldItIsGone() throws Exception {
        var leased = client.askLeased("lr-sweep");
        experiment.pause();
        experiment.delete();
        String result = "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.2}, \"leaseId\": \"" + leased.leaseId() + "\"}";
        assertRefused(raw.send("POST", "/api/trials/" + leased.id() + "/result", bearer(admin), result), 404, ErrorCode.NOT_FOUND,
                "no trial with id " + leased.id());
        assertRefused(raw.send("POST", "/api/trials/" + leased.id() + "/heartbeat", bearer(admin),
                "{\"leaseId\": \"" + leased.leaseId() + "\"}"), 404, ErrorCode.NOT_FOUND, "no trial");
        var headers = new java.util.HashMap<>(bearer(admin));
        headers.put("Content-Type", "application/octet-stream");
        assertRefused(raw.send("PUT", "/api/trials/" + leased.id() + "/artifacts/late.bin?leaseId=" + leased.leaseId(), headers,
                new byte[]{1}), 404, ErrorCode.NOT_FOUND, "no trial");
        restart();
        assertThat(client.experiments()).isEmpty();
    }

    @Test
    void aCloneIsANewExperimentWithTheSpecTagsAndNotesButNoTrials() throws Exception {
        experiment.tell(experiment.ask().id(), 0.3);
        experiment.tag("baseline");
        experiment.notes("keep");
        experiment.archive(true);
        ExperimentHandle copy = experiment.cloneAs("lr-sweep-again");
        Experiment e = copy.info();
        assertThat(e.id()).isNotEqualTo(experiment.id());
        assertThat(e.spec().space()).isEqualTo(experiment.info().spec().space());
        assertThat(e.spec().seed()).isEqualTo(7L);
        assertThat(e.summary().totalTrials()).isZero();
        assertThat(e.summary().labels().tags()).containsExactly("baseline");
        assertThat(e.summary().labels().notes()).isEqualTo("keep");
        assertThat(e.summary().labels().archived()).isFalse();
        assertThat(e.createdBy()).isEqualTo("admin");
        assertRefused(raw.send("POST", "/api/experiments/lr-sweep/clone", bearer(admin), "{\"name\": \"lr-sweep-again\"}"), 409,
                ErrorCode.DUPLICATE_NAME, "exists already");
        assertRefused(raw.send("POST", "/api/experiments/lr-sweep/clone", bearer(admin), "{}"), 400, ErrorCode.INVALID_ARGUMENT,
                "a clone needs a name");
        assertRefused(raw.send("POST", "/api/experiments/missing/clone", bearer(admin), "{\"name\": \"x1\"}"), 404, ErrorCode.NOT_FOUND,
                "missing");
        assertThat(client.experiments()).extracting(ExperimentSummary::name).containsExactlyInAnyOrder("lr-sweep", "lr-sweep-again");
    }

    @Test
    void tagsAreSortedWithoutDuplicatesAndBoundedInNumber() throws Exception {
        experiment.update(new ExperimentPatch(null, List.of("b", "a", "b"), null, null, null, null));
        assertThat(experiment.info().summary().labels().tags()).containsExactly("a", "b");
        var many = new StringBuilder("{\"tags\": [");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        assertRefused(raw.send("PATCH", "/api/experiments/lr-sweep", bearer(admin), many.append("]}").toString()), 400,
                ErrorCode.INVALID_ARGUMENT, "at most 32 tags");
        assertThat(experiment.info().summary().labels().tags()).containsExactly("a", "b");
    }
}
