package io.tunelab.server.pruner;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Specs;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** asha's {@code max_resource} taken from the spec's task when the task says a trial's last step ({@link Pruners#withDefaults}). */
class PrunerDefaultsTest {
    static ExperimentSpec spec(String task, String space, String strategy, String pruner) {
        return Specs.parse("""
                name: d
                objective: {metric: accuracy, direction: maximize}
                %s
                space:
                  model.units: {type: int, low: 8, high: 64}
                %s
                strategy: {name: %s}
                pruner: %s
                """.formatted(task, space, strategy, pruner));
    }

    static final String CNN_TASK = "task: {dataset: {name: digits}, training: {epochs: 12}}";
    static final String ASHA = "{name: asha, options: {min_resource: 3, reduction_factor: 2}}";

    static Map<String, Object> options(ExperimentSpec spec) {
        return Pruners.withDefaults(spec).pruner().options();
    }

    @Test
    void ashaTakesTheTasksEpochsAsMaxResourceSoItsRungAtTheLastEpochIsNeverJudged() {
        var spec = spec(CNN_TASK, "", "random", ASHA);
        assertThat(options(spec)).containsEntry("max_resource", 12).containsEntry("min_resource", 3);
        // The pruner built from the stored options never judges step 12, where rung 3 · 2² sits.
        assertThat(((AshaPruner) Pruners.create(Pruners.withDefaults(spec).pruner())).firstRung()).isEqualTo(3);
        // Written as a number in text, or with the runner named: the same.
        assertThat(options(spec("task: {runner: dl4j, training: {epochs: '12'}}", "", "random", ASHA))).containsEntry("max_resource", 12);
    }

    @Test
    void theSpecsOwnMaxResourceAndSpecsThatDoNotSayTheLastStepAreLeftAlone() {
        String own = "{name: asha, options: {min_resource: 3, reduction_factor: 2, max_resource: 40}}";
        assertThat(options(spec(CNN_TASK, "", "random", own))).containsEntry("max_resource", 40);
        // No task, another runner, a searched runner or epochs, pbt, epochs not a whole number, another pruner.
        assertThat(options(spec("", "", "random", ASHA))).doesNotContainKey("max_resource");
        assertThat(options(spec("task: {runner: tribuo, training: {epochs: 12}}", "", "random", ASHA))).doesNotContainKey("max_resource");
        assertThat(options(spec(CNN_TASK, "  runner: {type: categorical, choices: [dl4j, tribuo]}", "random", ASHA)))
                .doesNotContainKey("max_resource");
        assertThat(options(spec(CNN_TASK, "  training.epochs: {type: int, low: 5, high: 30}", "random", ASHA)))
                .doesNotContainKey("max_resource");
        assertThat(options(spec(CNN_TASK, "", "pbt", ASHA))).doesNotContainKey("max_resource");
        assertThat(options(spec("task: {training: {epochs: 12.5}}", "", "random", ASHA))).doesNotContainKey("max_resource");
        assertThat(options(spec("task: {training: {optimizer: adam}}", "", "random", ASHA))).doesNotContainKey("max_resource");
        assertThat(options(spec(CNN_TASK, "", "random", "{name: hyperband, options: {min_resource: 3}}")))
                .doesNotContainKey("max_resource");
    }

    @Test
    void aTaskWhoseLastEpochIsNotAboveAshasFirstRungIsRefusedNamingBoth() {
        assertThatThrownBy(() -> Pruners.withDefaults(spec("task: {training: {epochs: 3}}", "", "random", ASHA)))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessageContaining("task.training.epochs (3)").hasMessageContaining("first rung")
                .hasMessageContaining("= 3").hasMessageContaining("pruner.options.min_resource");
        // One epoch past the first rung is enough.
        assertThat(options(spec("task: {training: {epochs: 4}}", "", "random", ASHA))).containsEntry("max_resource", 4);
    }

    @Test
    void theSweepsThatShipWithAshaGetTheirEpochsAsMaxResource() {
        Path sweeps = Path.of("..", "experiments", "sweeps"); // tests run in the server module
        assertThat(options(Specs.load(sweeps.resolve("digits-cnn.yaml")))).containsEntry("max_resource", 12);
        assertThat(options(Specs.load(sweeps.resolve("digits-mlp.yaml")))).containsEntry("max_resource", 50);
    }
}
