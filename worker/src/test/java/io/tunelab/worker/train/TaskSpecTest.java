package io.tunelab.worker.train;

import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.TaskType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSpecTest {
    static final Map<String, Object> TASK = Map.of(
            "dataset", Map.of("name", "wine", "validation", Map.of("folds", 4)),
            "model", Map.of("units", 32, "family", "mlp"),
            "training", Map.of("optimizer", "sgd"));

    @Test
    void fixedFieldsAndDefaultsAreRead() {
        var spec = TaskSpec.parse(TASK, Map.of());
        assertThat(spec.runner()).isEqualTo("dl4j");
        assertThat(spec.dataset().source()).isEqualTo(new DatasetSource.Bundled("wine"));
        assertThat(spec.dataset().type()).isEqualTo(TaskType.CLASSIFICATION);
        assertThat(spec.dataset().validation()).isEqualTo(new DatasetSpec.Folds(4));
        assertThat(spec.model().units()).isEqualTo(32);
        assertThat(spec.model().layers()).isEqualTo(2);
        assertThat(spec.training().optimizer()).isEqualTo("sgd");
        assertThat(spec.preprocessing().scaling()).isEqualTo("standard");
        assertThat(spec.metric()).isNull();
    }

    @Test
    void aParamNamedAfterADottedPathOverridesThatField() {
        var spec = TaskSpec.parse(TASK, Map.of("model.units", 128, "preprocessing.scaling", "robust",
                "training.learning_rate", 0.05, "dataset.validation.folds", 3, "metric", "f1_macro",
                "preprocessing.dimensionality", "pca", "preprocessing.components", 5));
        assertThat(spec.model().units()).isEqualTo(128);
        assertThat(spec.model().family()).isEqualTo("mlp");
        assertThat(spec.preprocessing().scaling()).isEqualTo("robust");
        assertThat(spec.preprocessing().components()).isEqualTo(5);
        assertThat(spec.training().learningRate()).isEqualTo(0.05);
        assertThat(spec.training().optimizer()).isEqualTo("sgd");
        assertThat(spec.dataset().validation()).isEqualTo(new DatasetSpec.Folds(3));
        assertThat(spec.metric()).isEqualTo("f1_macro");
        assertThat(TASK.get("model")).isEqualTo(Map.of("units", 32, "family", "mlp"));
    }

    @Test
    void diabetesDefaultsToRegressionAndHoldout() {
        var spec = TaskSpec.parse(Map.of("dataset", Map.of("name", "diabetes")), null);
        assertThat(spec.dataset().type()).isEqualTo(TaskType.REGRESSION);
        assertThat(spec.dataset().validation()).isEqualTo(new DatasetSpec.Holdout(0.2));
    }

    @Test
    void badInputNamesTheFieldAndWhatWouldBeRight() {
        assertError(Map.of("model.family", "transformer"), "model.family: \"transformer\" is not an option; options: mlp, wide_deep");
        assertError(Map.of("training.optimizer", "adagrad"), "training.optimizer: \"adagrad\" is not an option; options: adam, sgd, rmsprop, nesterovs");
        assertError(Map.of("preprocessing.outliers", "winsorize"), "preprocessing.outliers: \"winsorize\" is not an option");
        assertError(Map.of("model.units", "many"), "model.units must be a number, got \"many\"");
        assertError(Map.of("model.units", 0), "model.units must be from 1 to 4096, got 0");
        assertError(Map.of("model.unit", 8), "model.unit: unknown field; known fields:");
        assertError(Map.of("units", 8), "param \"units\" does not name a task field");
        assertError(Map.of("dataset.validation.holdout", 0.3), "give either holdout (a share) or folds (a count), not both");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("runner", "python", "dataset", Map.of("name", "iris")), Map.of()))
                .hasMessageContaining("runs \"dl4j\" tasks, not \"python\"");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("model", Map.of()), Map.of()))
                .hasMessageContaining("task.dataset is required");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "iris", "path", "x.csv")), Map.of()))
                .hasMessageContaining("either name").hasMessageContaining("not both");
    }

    private static void assertError(Map<String, Object> params, String message) {
        assertThatThrownBy(() -> TaskSpec.parse(TASK, params))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessageContaining(message);
    }
}
