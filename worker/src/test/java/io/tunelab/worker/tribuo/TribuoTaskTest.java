package io.tunelab.worker.tribuo;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TribuoTaskTest {
    static final Map<String, Object> TASK = Map.of("runner", "tribuo",
            "dataset", Map.of("name", "breast_cancer", "validation", Map.of("folds", 3)));

    /** The model file of a small random forest fitted on every row of a dataset, as a trial would upload it. */
    public static byte[] fitted(io.tunelab.worker.data.Dataset data) {
        int[] all = java.util.stream.IntStream.range(0, data.rows()).toArray();
        return TribuoBundle.fit(parse(Map.of("model.trees", 5)).model(), data.encoding(), io.tunelab.worker.data.Preprocessor.identity(),
                data.rows(all), data.y(), 1, Map.of()).write();
    }

    static TribuoTask parse(Map<String, Object> params) {
        return TribuoTask.parse(TASK, params);
    }

    private static void assertError(Map<String, Object> params, String message) {
        assertThatThrownBy(() -> parse(params)).isInstanceOf(TunelabException.class).hasMessageContaining(message);
    }

    @Test
    void paramsSetTheModelAndTrainingFieldsWithDefaultsForTheRest() {
        var task = parse(Map.of("model.family", "linear", "training.learning_rate", 0.05, "model.l2", 0.01));

        assertThat(task.model().family()).isEqualTo("linear");
        assertThat(task.model().learningRate()).isEqualTo(0.05);
        assertThat(task.model().l2()).isEqualTo(0.01);
        assertThat(task.model().epochs()).isEqualTo(20);
        assertThat(parse(Map.of()).model().family()).isEqualTo("random_forest");
        assertThat(parse(Map.of()).model().featuresPerSplit()).isEqualTo(0.5);
        assertThat(parse(Map.of("model.family", "cart")).model().featuresPerSplit()).isEqualTo(1.0);
    }

    @Test
    void aFieldTheFamilyDoesNotUseIsRefusedByName() {
        assertError(Map.of("model.family", "cart", "model.trees", 10), "model.trees applies to random_forest and extra_trees only");
        assertError(Map.of("model.family", "random_forest", "training.epochs", 5), "training.epochs applies to linear only");
        assertError(Map.of("model.family", "linear", "model.max_depth", 5), "model.max_depth applies to random_forest and extra_trees and cart only");
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndWhatWouldBeRight() {
        assertError(Map.of("model.family", "xgboost"), "model.family");
        assertError(Map.of("model.family", "random_forest", "model.features_per_split", 1.0),
                "model.features_per_split must be below 1 for random_forest");
        assertError(Map.of("model.trees", 0), "model.trees");
        assertError(Map.of("model.max_depth", 100), "model.max_depth");
        assertError(Map.of("model.units", 8), "model.units");
        assertError(Map.of("training.optimizer", "adam"), "training.optimizer");
        assertError(Map.of("lr", 0.1), "param \"lr\" does not name a task field");
    }

    @Test
    void extraTreesAreForClassificationOnly() {
        var diabetes = Map.<String, Object>of("runner", "tribuo", "dataset", Map.of("name", "diabetes"));
        assertThatThrownBy(() -> TribuoTask.parse(diabetes, Map.of("model.family", "extra_trees")))
                .hasMessageContaining("model.family extra_trees is for classification only");
    }

    @Test
    void aShapeOrAMissingDatasetIsRefused() {
        var withShape = new LinkedHashMap<String, Object>(TASK);
        withShape.put("dataset", Map.of("name", "digits", "shape", java.util.List.of(1, 8, 8)));
        assertThatThrownBy(() -> TribuoTask.parse(withShape, Map.of())).hasMessageContaining("dataset.shape");
        assertThatThrownBy(() -> TribuoTask.parse(Map.of("runner", "tribuo"), Map.of())).hasMessageContaining("task.dataset is required");
        assertThatThrownBy(() -> TribuoTask.parse(null, Map.of())).hasMessageContaining("has no task");
    }
}
