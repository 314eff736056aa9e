package io.tunelab.worker.train;

import io.tunelab.api.Direction;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad options refused with a message naming the field, before any training. */
class TaskCheckTest {

    static Map<String, Object> digitsCnn() {
        var task = new LinkedHashMap<String, Object>();
        task.put("dataset", Map.of("name", "digits", "shape", List.of(1, 8, 8)));
        task.put("model", Map.of("family", "cnn"));
        return task;
    }

    static void refused(Map<String, Object> task, Map<String, Object> params, String... message) {
        var spec = TaskSpec.parse(task, params);
        var data = TaskRunTest.load(spec);
        var check = assertThatThrownBy(() -> new TaskRun(spec, task, data,
                data.isClassification() ? "accuracy" : "rmse", Direction.MAXIMIZE))
                .isInstanceOf(TunelabException.class);
        for (String m : message) {
            check.hasMessageContaining(m);
        }
    }

    @Test
    void aKernelLargerThanTheInputIsRefused() {
        refused(digitsCnn(), Map.of("model.kernel", 9), "model.kernel (9)", "larger than the input (8×8");
    }

    @Test
    void poolingBelowOneCellIsRefused() {
        refused(digitsCnn(), Map.of("model.conv_layers", 4), "model.conv_layers (4)", "after block 4");
    }

    @Test
    void aShapeWhoseProductIsNotTheColumnCountIsRefused() {
        refused(Map.of("dataset", Map.of("name", "digits", "shape", List.of(1, 8, 7))), Map.of(),
                "dataset.shape [1, 8, 7] has 56 cells", "64 input columns");
    }

    @Test
    void cnnNeedsAShapeAndAnUnchangedGrid() {
        refused(Map.of("dataset", Map.of("name", "digits"), "model", Map.of("family", "cnn")), Map.of(), "dataset.shape");
        refused(digitsCnn(), Map.of("preprocessing.dimensionality", "pca", "preprocessing.components", 8),
                "preprocessing.dimensionality: pca");
        refused(digitsCnn(), Map.of("preprocessing.selection", "anova_f", "preprocessing.k", 8), "preprocessing.selection");
    }

    @Test
    void kAboveTheFeatureCountIsRefused() {
        refused(Map.of("dataset", Map.of("name", "breast_cancer")),
                Map.of("preprocessing.selection", "mutual_info", "preprocessing.k", 31),
                "preprocessing.k (31)", "number of input features (30)");
    }

    @Test
    void imbalanceRemediesAreRefusedForRegression() {
        refused(Map.of("dataset", Map.of("name", "diabetes")), Map.of("training.class_weights", "balanced"),
                "training.class_weights");
        refused(Map.of("dataset", Map.of("name", "diabetes")), Map.of("training.oversampling", "random"),
                "training.oversampling");
    }

    @Test
    void malformedFieldsAreRefusedWhenParsed() {
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits", "shape", List.of(8, 8))), Map.of()))
                .hasMessageContaining("dataset.shape must be [channels, height, width]");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits", "shape", List.of(1, 0, 8))), Map.of()))
                .hasMessageContaining("dataset.shape");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits")),
                Map.of("preprocessing.selection", "anova_f")))
                .hasMessageContaining("preprocessing.k must be 1 or more");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits")),
                Map.of("preprocessing.correlation_threshold", 1.5)))
                .hasMessageContaining("preprocessing.correlation_threshold");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits")),
                Map.of("preprocessing.skew", "boxcox")))
                .hasMessageContaining("preprocessing.skew").hasMessageContaining("yeo_johnson");
        assertThatThrownBy(() -> TaskSpec.parse(Map.of("dataset", Map.of("name", "digits")),
                Map.of("training.class_weights", "auto")))
                .hasMessageContaining("training.class_weights");
    }
}
