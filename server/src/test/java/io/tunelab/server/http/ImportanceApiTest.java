package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.ParamImportance;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code GET /api/experiments/{ref}/importance} over real HTTP: the importances of a
 * two-objective experiment by each objective, the answer with too few trials, the errors for an
 * unknown experiment and a bad objective index, and the read scope it needs.
 */
class ImportanceApiTest {
    @RegisterExtension
    final TestServer server = new TestServer();
    TunelabClient client;

    @BeforeEach
    void connect() {
        client = server.client();
    }

    private ExperimentHandle launch(String name) {
        return client.launch(ExperimentSpec.builder(name).objectives(Objective.minimize("loss"), Objective.minimize("cost"))
                .param("a", FloatParam.of(0, 1)).param("b", FloatParam.of(0, 1)).strategy("random").seed(3).trials(1000).build());
    }

    @Test
    void eachObjectiveHasItsOwnImportancesAndTheAnswerIsTheSameWhileNoTrialCompletes() {
        ExperimentHandle e = launch("two-objectives");
        for (int i = 0; i < 40; i++) {
            TrialProposal t = e.ask();
            double a = ((Number) t.params().get("a")).doubleValue();
            double b = ((Number) t.params().get("b")).doubleValue();
            e.tell(t.id(), Map.of("loss", 10 * a + b, "cost", a + 10 * b));
        }

        ParamImportance loss = client.importance("two-objectives", 0);
        ParamImportance cost = client.importance("two-objectives", 1);

        assertThat(loss.metric()).isEqualTo("loss");
        assertThat(loss.trials()).isEqualTo(40);
        assertThat(loss.params()).extracting(ParamImportance.Share::param).containsExactly("a", "b");
        assertThat(cost.metric()).isEqualTo("cost");
        assertThat(cost.params()).extracting(ParamImportance.Share::param).containsExactly("b", "a");
        e.ask();
        assertThat(client.importance("two-objectives", 0)).isEqualTo(loss);
    }

    @Test
    void tooFewCompleteTrialsAnswerAReasonAndNoImportances() {
        ExperimentHandle e = launch("young");
        TrialProposal t = e.ask();
        e.tell(t.id(), Map.of("loss", 1.0, "cost", 2.0));
        e.ask();

        ParamImportance answer = client.importance("young", 0);

        assertThat(answer.params()).isEmpty();
        assertThat(answer.trials()).isEqualTo(1);
        assertThat(answer.reason()).contains("at least 2 complete trials");
        assertThat(answer.skipped()).isEmpty();
    }

    @Test
    void anUnknownExperimentIsNotFound() {
        assertThatThrownBy(() -> client.importance("nowhere", 0)).isInstanceOf(TunelabException.NotFound.class)
                .hasMessageContaining("nowhere");
    }

    @Test
    void anObjectiveIndexOutOfRangeOrNotANumberIsABadRequestNamingTheField() throws Exception {
        launch("indexed");

        assertThatThrownBy(() -> client.importance("indexed", 2)).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("objective must be").hasMessageContaining("from 0 to 1").hasMessageContaining("[loss, cost]");
        assertThatThrownBy(() -> client.importance("indexed", -1)).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("objective");
        HttpResponse<String> notANumber = get("/api/experiments/indexed/importance?objective=first", server.adminToken());
        assertThat(notANumber.statusCode()).isEqualTo(400);
        assertThat(Json.read(notANumber.body(), Map.class)).containsEntry("code", "INVALID_ARGUMENT");
        assertThat(notANumber.body()).contains("objective must be an integer");
    }

    @Test
    void withoutATokenTheRouteIsUnauthenticatedAndAReadTokenIsEnough() throws Exception {
        launch("guarded");

        assertThat(get("/api/experiments/guarded/importance", null).statusCode()).isEqualTo(401);
        String read = client.createToken("reader", List.of("read")).secret();
        HttpResponse<String> withRead = get("/api/experiments/guarded/importance", read);
        assertThat(withRead.statusCode()).as(withRead.body()).isEqualTo(200);
        assertThat(withRead.body()).contains("\"reason\"");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
