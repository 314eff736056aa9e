package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real server restarted after a clean stop, a large experiment its start did not prepare
 * (four of 1,000 trials; the start prepares the three most recently updated), one that maximizes:
 * the web UI's first reads, the experiment and the leaderboard's first page by value in the order
 * it guesses first (ascending) and in the experiment's own (descending), are answered as the server
 * answered them before it stopped, with the same {@code X-Total-Count}, without loading it; another
 * page loads it, and the first reads answer the same from memory. A bad query is refused as before.
 */
@Tag("slow")
class StoredFirstReadsApiTest {
    static final String FIRST_PAGE = "/trials?offset=0&limit=50&sort=value&order=asc";
    static final String BEST_FIRST_PAGE = "/trials?offset=0&limit=50&sort=value&order=desc";

    @RegisterExtension
    final TestServer server = new TestServer();

    /** An experiment of {@code trials} that maximizes "score": every seventh fails. */
    private static void seed(Coordinator c, String name, int trials) {
        c.experiments().create(ExperimentSpec.builder(name).maximize("score").param("x", FloatParam.of(0, 1))
                .strategy("random").seed((long) name.hashCode()).trials(trials).build());
        for (int i = 0; i < trials; i++) {
            TrialProposal p = c.experiments().ask(name);
            double x = ((Number) p.params().get("x")).doubleValue();
            c.experiments().tell(p.id(), i % 7 == 6 ? TrialResult.failed("diverged") : TrialResult.complete(Map.of("score", x * x)));
        }
    }

    private static String answer(Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.response().headers().firstValue("X-Total-Count").orElse("-") + " " + r.body();
    }

    @Test
    void aLargeExperimentTheStartDidNotPrepareAnswersItsFirstReadsAsBeforeWithoutLoadingIt() throws Exception {
        for (int i = 0; i < 4; i++) {
            seed(server.api().coordinator(), "large-" + i, 1_000);
        }
        String experiment = answer(server.call("GET", "/api/experiments/large-0", null));
        String page = answer(server.call("GET", "/api/experiments/large-0" + FIRST_PAGE, null));
        String bestFirst = answer(server.call("GET", "/api/experiments/large-0" + BEST_FIRST_PAGE, null));
        assertThat(page).startsWith("1000 [");
        assertThat(bestFirst).startsWith("1000 [").isNotEqualTo(page);

        server.restart();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.loadedExperiments() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.loadedExperiments()).as("the start prepared the three most recent").isEqualTo(3);
        assertThat(answer(server.call("GET", "/api/experiments/large-0", null))).isEqualTo(experiment);
        assertThat(answer(server.call("GET", "/api/experiments/large-0" + FIRST_PAGE, null))).isEqualTo(page);
        assertThat(answer(server.call("GET", "/api/experiments/large-0" + BEST_FIRST_PAGE, null))).isEqualTo(bestFirst);
        assertThat(server.loadedExperiments()).as("answered as stored").isEqualTo(3);
        server.call("GET", "/api/experiments/large-0/trials?offset=0&limit=50&sort=value&order=abc", null)
                .assertError(400, io.tunelab.api.ErrorCode.INVALID_ARGUMENT, "order");
        assertThat(server.loadedExperiments()).as("a refused query loads nothing").isEqualTo(3);

        assertThat(answer(server.call("GET", "/api/experiments/large-0/trials?offset=50&limit=50&sort=value&order=asc", null)))
                .startsWith("1000 [");
        assertThat(server.loadedExperiments()).as("another page loads it").isEqualTo(4);
        assertThat(answer(server.call("GET", "/api/experiments/large-0", null))).isEqualTo(experiment);
        assertThat(answer(server.call("GET", "/api/experiments/large-0" + FIRST_PAGE, null))).isEqualTo(page);
        assertThat(answer(server.call("GET", "/api/experiments/large-0" + BEST_FIRST_PAGE, null))).isEqualTo(bestFirst);
    }
}
