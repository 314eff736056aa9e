package io.tunelab.worker.train;

import io.tunelab.api.Direction;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.RawTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskRunTest {

    static Dataset load(TaskSpec spec) {
        RawTable table = ((io.tunelab.worker.data.DatasetSource.Bundled) spec.dataset().source()).read();
        return Encoding.fit(table, spec.dataset().target(), spec.dataset().type()).encode(table);
    }

    static Map<String, Object> task(String dataset, Map<String, Object> training) {
        return Map.of("dataset", Map.of("name", dataset, "validation", Map.of("folds", 3)),
                "model", Map.of("family", "mlp", "layers", 1, "units", 16),
                "training", training);
    }

    /** Records the reports and answers PRUNE from a given epoch on. */
    static final class Recorder implements TaskRun.Listener {
        final List<Map<String, Double>> reports;
        final int pruneAfter;
        volatile boolean prune;

        Recorder(List<Map<String, Double>> reports, int pruneAfter) {
            this.reports = reports;
            this.pruneAfter = pruneAfter;
        }

        @Override
        public void epoch(int epoch, Map<String, Double> values) {
            reports.add(values);
            prune = epoch >= pruneAfter;
        }

        @Override
        public TaskRun.Signal signal() {
            return prune ? TaskRun.Signal.PRUNE : TaskRun.Signal.GO;
        }
    }

    @Test
    void anMlpLearnsIrisInEveryFold() {
        var map = task("iris", Map.of("learning_rate", 0.02, "epochs", 40, "patience", 10, "batch_size", 16));
        var spec = TaskSpec.parse(map, Map.of());
        var reports = new ArrayList<Map<String, Double>>();
        var outcome = new TaskRun(spec, map, load(spec), "accuracy", Direction.MAXIMIZE)
                .run(1, 7, new Recorder(reports, Integer.MAX_VALUE));

        assertThat(outcome.status()).isEqualTo(TaskRun.Status.COMPLETE);
        assertThat(outcome.repetitions()).hasSize(3);
        for (var r : outcome.repetitions()) {
            assertThat(r.values().get("accuracy")).isGreaterThan(0.85);
            assertThat(r.values()).containsKeys("f1_macro", "log_loss", "epochs", "wall_time_s");
        }
        assertThat(reports).isNotEmpty();
        assertThat(reports.getLast()).containsKeys("accuracy", "train_loss");
        assertThat(reports.getLast().get("train_loss")).isLessThan(reports.getFirst().get("train_loss"));
    }

    @Test
    void aRacedLeaseRunsOnlyTheRepetitionItNamesOnTheSameFoldAndSeed() {
        var map = task("iris", Map.of("learning_rate", 0.02, "epochs", 5, "batch_size", 16));
        var spec = TaskSpec.parse(map, Map.of());
        Dataset data = load(spec);
        var all = new TaskRun(spec, map, data, "accuracy", Direction.MAXIMIZE).run(1, 7, new Recorder(new ArrayList<>(), 99));
        var one = new TaskRun(spec, map, data, "accuracy", Direction.MAXIMIZE).run(1, 7, 1, new Recorder(new ArrayList<>(), 99));

        assertThat(one.repetitions()).hasSize(1);
        assertThat(one.repetitions().getFirst().index()).isEqualTo(1);
        assertThat(one.repetitions().getFirst().seed()).isEqualTo(all.repetitions().get(1).seed());
        assertThat(one.repetitions().getFirst().values().get("accuracy"))
                .isEqualTo(all.repetitions().get(1).values().get("accuracy"));
    }

    @Test
    void aRacedLeaseOfASeedRunsThatSeedAlone() {
        var map = Map.<String, Object>of("dataset", Map.of("name", "iris", "validation", Map.of("holdout", 0.3)),
                "model", Map.of("family", "mlp", "layers", 1, "units", 8), "training", Map.of("epochs", 2));
        var spec = TaskSpec.parse(map, Map.of());
        var one = new TaskRun(spec, map, load(spec), "accuracy", Direction.MAXIMIZE).run(4, 7, 2, new Recorder(new ArrayList<>(), 99));

        assertThat(one.repetitions()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(2);
            assertThat(r.seed()).isEqualTo(TaskRun.repetitionSeed(7, 2));
        });
    }

    @Test
    void aPruneDecisionStopsTheRunAtThatEpoch() {
        var map = task("wine", Map.of("epochs", 50, "patience", 0));
        var spec = TaskSpec.parse(map, Map.of());
        var reports = new ArrayList<Map<String, Double>>();
        var outcome = new TaskRun(spec, map, load(spec), "accuracy", Direction.MAXIMIZE)
                .run(1, 7, new Recorder(reports, 2));

        assertThat(outcome.status()).isEqualTo(TaskRun.Status.PRUNED);
        assertThat(reports).hasSize(2);
    }

    @Test
    void regressionOnDiabetesBeatsPredictingTheMean() {
        var map = Map.<String, Object>of("dataset", Map.of("name", "diabetes", "validation", Map.of("holdout", 0.25)),
                "model", Map.of("family", "wide_deep", "layers", 1, "units", 16),
                "training", Map.of("learning_rate", 0.01, "epochs", 30, "patience", 5));
        var spec = TaskSpec.parse(map, Map.of());
        var outcome = new TaskRun(spec, map, load(spec), "rmse", Direction.MINIMIZE)
                .run(2, 11, new Recorder(new ArrayList<>(), Integer.MAX_VALUE));

        assertThat(outcome.repetitions()).hasSize(2);
        assertThat(outcome.seeds()).doesNotHaveDuplicates();
        for (var r : outcome.repetitions()) {
            assertThat(r.values().get("r2")).isGreaterThan(0.2);
            assertThat(r.values()).containsKeys("rmse", "mae");
        }
    }

    @Test
    void eachRepetitionsPreprocessingIsFittedOnItsTrainingRowsOnly() {
        var map = Map.<String, Object>of("dataset", Map.of("name", "wine", "validation", Map.of("folds", 3)),
                "preprocessing", Map.of("scaling", "standard"),
                "model", Map.of("layers", 1, "units", 8), "training", Map.of("epochs", 2));
        var spec = TaskSpec.parse(map, Map.of());
        Dataset data = load(spec);
        var outcome = new TaskRun(spec, map, data, "accuracy", Direction.MAXIMIZE)
                .run(1, 99, new Recorder(new ArrayList<>(), Integer.MAX_VALUE));

        var firstFold = io.tunelab.worker.data.Splits.kfold(data, 3, 99).getFirst();
        double[] center = outcome.model().meta().preprocessor().center();
        for (int c = 0; c < data.width(); c++) {
            int column = c;
            double trainMean = java.util.Arrays.stream(firstFold.train()).mapToDouble(i -> data.x()[i][column]).average().orElseThrow();
            double allMean = java.util.Arrays.stream(data.x()).mapToDouble(row -> row[column]).average().orElseThrow();
            assertThat(center[c]).isCloseTo(trainMean, org.assertj.core.data.Offset.offset(1e-9));
            if (Math.abs(trainMean - allMean) > 1e-6) {
                assertThat(center[c]).isNotCloseTo(allMean, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }
}
