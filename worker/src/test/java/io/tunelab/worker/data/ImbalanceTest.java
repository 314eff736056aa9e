package io.tunelab.worker.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ImbalanceTest {

    @Test
    void balancedWeightsAreRowsOverClassesTimesClassCount() {
        double[] y = {0, 0, 0, 0, 0, 0, 1, 1};
        // scikit-learn's compute_class_weight("balanced"): 8 / (2 · 6) and 8 / (2 · 2)
        assertThat(Imbalance.balancedWeights(y, 2)).containsExactly(new double[] {8.0 / 12, 2.0}, within(1e-12));
    }

    @Test
    void oversamplingEvensTheClassesFromTheGivenRowsOnly() {
        int[] rows = {10, 11, 12, 13, 14, 15, 20, 21};
        double[] y = {0, 0, 0, 0, 0, 0, 1, 1};
        int[] out = Imbalance.oversample(rows, y, 3, new Random(1));

        assertThat(out).hasSize(12).startsWith(rows);
        assertThat(Arrays.stream(out, 8, 12).boxed().toList()).allMatch(r -> r == 20 || r == 21);
    }

    @Test
    void aRareClassIsFlaggedWithTheRemedies() {
        assertThat(Imbalance.assess(List.of(50, 50))).isNull();
        assertThat(Imbalance.assess(List.of(90, 10))).containsEntry("minority_share", 0.1).containsEntry("ratio", 9.0)
                .containsKey("suggestions");
        assertThat(Imbalance.assess(List.of(80, 20))).isNull();
        // Ten balanced classes have a 10% share each and are not flagged; one class 4.2 times another is.
        assertThat(Imbalance.assess(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10))).isNull();
        assertThat(Imbalance.assess(List.of(210, 50, 60))).isNotNull().extractingByKey("ratio").isEqualTo(4.2);
    }

    @Test
    void theDataReportSuggestsTheRemediesForAnImbalancedTarget() {
        var text = new StringBuilder("x,target\n");
        for (int i = 0; i < 100; i++) {
            text.append(i).append(',').append(i < 8 ? "rare" : "common").append('\n');
        }
        Map<String, Object> report = DataReport.of(CsvReader.read("t.csv", text.toString(), "sha"), "target",
                TaskType.CLASSIFICATION);

        assertThat(report).containsKey("imbalance");
        assertThat(DataReport.usable(report)).isTrue();
        assertThat((List<?>) report.get("warnings")).anySatisfy(w -> assertThat((String) w)
                .contains("imbalanced").contains("training.class_weights: balanced").contains("training.oversampling: random"));
        Map<String, Object> iris = DataReport.of(new DatasetSource.Bundled("iris").read(), "target", TaskType.CLASSIFICATION);
        assertThat(iris).doesNotContainKey("imbalance");
    }
}
