package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TunelabException;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Report steps per trial and params per experiment are bounded; the refusal names the limit and its flag and changes nothing. */
class ResourceLimitsTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    ExperimentService service;
    ExperimentQueries queries;

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        var coordinator = Coordinator.open(storage, () -> Instant.parse("2026-01-01T00:00:00Z"), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withLimits(3, 2), null);
        service = coordinator.experiments();
        queries = coordinator.queries();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static ExperimentSpec.Builder spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 5L, Map.of()));
    }

    @Test
    void aTrialTakesAtMostTheLimitOfReportStepsButMayReplaceAStepItHas() {
        service.create(spec("reports").build());
        long trial = service.ask("reports").id();
        for (int step = 1; step <= 3; step++) {
            service.report(trial, new ReportRequest(step, Map.of("loss", 1.0 / step), null));
        }
        assertThatThrownBy(() -> service.report(trial, new ReportRequest(4, Map.of("loss", 0.1), null)))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED))
                .hasMessageContaining("3 report steps").hasMessageContaining("--max-reports-per-trial 3");
        service.report(trial, new ReportRequest(3, Map.of("loss", 0.2), null));
        assertThat(queries.trial(trial).reports()).extracting(r -> r.step()).containsExactly(1, 2, 3);
        assertThat(queries.trial(trial).reports().get(2).values()).containsEntry("loss", 0.2);
    }

    @Test
    void defineByRunParamsStopAtTheLimitAndTheSpaceStaysAsItWas() {
        service.create(spec("params").build());
        long trial = service.ask("params").id();
        service.suggest(trial, "batch", IntParam.of(1, 8));
        assertThatThrownBy(() -> service.suggest(trial, "depth", IntParam.of(1, 8)))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED))
                .hasMessageContaining("\"depth\"").hasMessageContaining("--max-params 2");
        assertThat(queries.experiment("params").spec().space().names()).containsExactly("x", "batch");
        assertThat(queries.trial(trial).params()).containsOnlyKeys("x", "batch");
    }

    @Test
    void aSpecWithMoreParamsThanTheLimitIsRefusedAndNothingIsCreated() {
        var wide = spec("wide").param("y", FloatParam.of(0, 1)).param("z", FloatParam.of(0, 1)).build();
        assertThatThrownBy(() -> service.create(wide)).isInstanceOf(TunelabException.LimitReached.class)
                .hasMessageContaining("3 params").hasMessageContaining("--max-params 2");
        assertThat(queries.summaries()).isEmpty();
    }
}
