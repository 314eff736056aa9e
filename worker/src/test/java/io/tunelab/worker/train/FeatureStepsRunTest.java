package io.tunelab.worker.train;

import io.tunelab.api.Direction;
import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.data.RawTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Searched feature steps and imbalance remedies in a real run, carried by the model file. */
class FeatureStepsRunTest {

    static TaskRun.Outcome run(Map<String, Object> params) {
        var task = Map.<String, Object>of(
                "dataset", Map.of("name", "breast_cancer", "validation", Map.of("folds", 2)),
                "model", Map.of("layers", 1, "units", 16),
                "training", Map.of("learning_rate", 0.01, "epochs", 8, "patience", 0));
        var spec = TaskSpec.parse(task, params);
        return new TaskRun(spec, TaskSpec.withParams(task, params), TaskRunTest.load(spec), "roc_auc", Direction.MAXIMIZE)
                .run(1, 5, new TaskRunTest.Recorder(new ArrayList<>(), Integer.MAX_VALUE));
    }

    @Test
    void theFittedFeatureStepsAreReportedAndReproducedByTheModelFile() {
        var outcome = run(Map.of("preprocessing.skew", "yeo_johnson", "preprocessing.correlation_threshold", 0.9,
                "preprocessing.selection", "anova_f", "preprocessing.k", 6, "preprocessing.interactions", "pairwise"));

        assertThat(outcome.repetitions()).allSatisfy(r -> assertThat(r.values().get("roc_auc")).isGreaterThan(0.9));
        assertThat(outcome.preprocessing()).hasSize(2).allSatisfy(p -> {
            assertThat(p).containsEntry("inputs", 30).containsEntry("outputs", 6 + 15);
            @SuppressWarnings("unchecked")
            var features = (Map<String, Object>) p.get("features");
            assertThat((List<?>) features.get("kept")).hasSize(6);
            assertThat((List<?>) features.get("transformed")).isNotEmpty();
        });

        RawTable table = new DatasetSource.Bundled("breast_cancer").read();
        var before = outcome.model().predict(table);
        var bundle = ModelBundle.read(outcome.model().write());
        var after = bundle.predict(table);
        assertThat(bundle.meta().preprocessor().steps().kept()).hasSize(6);
        for (int i = 0; i < table.rows().size(); i += 50) {
            assertThat(after.probabilities()[i]).containsExactly(before.probabilities()[i], within(1e-6));
        }
    }

    @Test
    void oversamplingAndClassWeightsChangeOnlyTheTrainingRows() {
        var plain = run(Map.of());
        var balanced = run(Map.of("training.oversampling", "random", "training.class_weights", "balanced"));

        for (int r = 0; r < 2; r++) {
            var p = balanced.preprocessing().get(r);
            int rows = (int) p.get("training_rows");
            assertThat(rows).isEqualTo(plain.preprocessing().get(r).get("training_rows"));
            // breast_cancer has 212 malignant and 357 benign rows: oversampling evens them up.
            assertThat((int) p.get("oversampled_rows")).isGreaterThan(rows);
            assertThat(p.get("class_weights")).isEqualTo(List.of(1.0, 1.0));
        }
        assertThat(balanced.repetitions()).allSatisfy(r -> assertThat(r.values().get("roc_auc")).isGreaterThan(0.9));
    }
}
