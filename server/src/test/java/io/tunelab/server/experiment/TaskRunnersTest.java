package io.tunelab.server.experiment;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Workers lease only experiments whose runners they have, the runner named or searched. */
class TaskRunnersTest {
    static final Map<String, Object> TASK = Map.of("dataset", Map.of("name", "breast_cancer"));

    @TempDir
    Path dir;
    JdbcStorage storage;
    ExperimentService service;
    LeaseService leases;

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        var coordinator = Coordinator.open(storage, () -> Instant.parse("2026-01-01T00:00:00Z"), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        leases = coordinator.leases();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    static ExperimentSpec named(String name, Map<String, Object> task) {
        return ExperimentSpec.builder(name).maximize("roc_auc").param("model.l2", FloatParam.of(0, 0.1)).trials(5).task(task)
                .build();
    }

    static ExperimentSpec searching(String name) {
        return ExperimentSpec.builder(name).maximize("roc_auc")
                .param("runner", CategoricalParam.of("dl4j", "tribuo"))
                .param("model.units", IntParam.of(8, 32).withWhen(Condition.of("runner", "dl4j")))
                .param("model.family", CategoricalParam.of("cart", "linear").withWhen(Condition.of("runner", "tribuo")))
                .trials(5).task(TASK).build();
    }

    private boolean leases(List<String> runners) {
        return leases.lease(new LeaseRequest("w:1", runners, 0)).isPresent();
    }

    @Test
    void aWorkerLeasesOnlyTheExperimentsOfItsRunners() {
        var tribuoTask = new java.util.LinkedHashMap<String, Object>(TASK);
        tribuoTask.put("runner", "tribuo");
        service.create(named("forest", tribuoTask));

        assertThat(TaskRunners.of(service.create(named("net", TASK)).spec())).containsExactly("dl4j");
        assertThat(leases(List.of("mine"))).isFalse();
        var lease = leases.lease(new LeaseRequest("w:1", List.of("tribuo"), 0)).orElseThrow();
        assertThat(lease.experimentName()).isEqualTo("forest");
        assertThat(leases.lease(new LeaseRequest("w:1", List.of("dl4j"), 0)).orElseThrow().experimentName()).isEqualTo("net");
    }

    @Test
    void aSearchedRunnerNeedsAWorkerWithEveryChoice() {
        service.create(searching("families"));

        assertThat(TaskRunners.of(searching("x"))).containsExactly("dl4j", "tribuo");
        assertThat(leases(List.of("dl4j"))).isFalse();
        assertThat(leases(List.of("tribuo"))).isFalse();
        assertThat(leases(List.of("dl4j", "tribuo"))).isTrue();
    }

    @Test
    void aRunnerThatIsNoNameOrASearchedRunnerThatIsNotCategoricalIsRefused() {
        assertThatThrownBy(() -> service.create(named("bad", Map.of("dataset", Map.of("name", "iris"), "runner", "My Runner!"))))
                .isInstanceOf(TunelabException.class).hasMessageContaining("task.runner \"My Runner!\" is not a runner name");
        var numeric = ExperimentSpec.builder("bad2").maximize("roc_auc").param("runner", IntParam.of(1, 3)).trials(5)
                .task(TASK).build();
        assertThatThrownBy(() -> service.create(numeric)).hasMessageContaining("param \"runner\" searches task.runner");
        assertThat(leases(List.of("dl4j", "tribuo", "My Runner!"))).isFalse();
    }
}
