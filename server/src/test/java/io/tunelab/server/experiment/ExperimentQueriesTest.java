package io.tunelab.server.experiment;

import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ExperimentQueries#prepare()}: after a start, the first page's ranking is built before anyone asks, and nothing changes. */
class ExperimentQueriesTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, () -> Instant.parse("2026-12-02T00:00:00Z"), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void prepareBuildsEachExperimentsRankingAndChangesNoPage() {
        var service = coordinator.experiments();
        service.create(ExperimentServiceTest.spec("empty").build());
        service.create(ExperimentServiceTest.spec("told").build());
        for (int i = 0; i < 30; i++) {
            var t = service.ask("told");
            service.tell(t.id(), TrialResult.complete(Map.of("loss", ((Number) t.params().get("x")).doubleValue())));
        }
        service.ask("told"); // one still running
        ExperimentQueries queries = coordinator.queries();
        assertThat(queries.hasCurrentRanking("told")).isFalse();

        String before = io.tunelab.api.Json.write(queries.trials("told", ExperimentQueries.FIRST_PAGE));
        queries.prepare();

        assertThat(queries.hasCurrentRanking("told")).isTrue();
        assertThat(io.tunelab.api.Json.write(queries.trials("told", ExperimentQueries.FIRST_PAGE))).isEqualTo(before);
        assertThat(queries.trials("empty", ExperimentQueries.FIRST_PAGE).trials()).isEmpty();
    }
}
