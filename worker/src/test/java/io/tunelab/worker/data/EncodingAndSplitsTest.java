package io.tunelab.worker.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class EncodingAndSplitsTest {
    static final RawTable PETS = CsvReader.read("pets.csv",
            "weight,\"colour, main\",kind\n4.0,black,cat\n30,brown,dog\n5,,cat\n25,black,dog\n", "sha");

    @Test
    void stringColumnsAreOneHotAndAMissingCategoryIsMissingInEachColumn() {
        var encoding = Encoding.fit(PETS, "kind", TaskType.CLASSIFICATION);
        assertThat(encoding.inputNames()).containsExactly("weight", "colour, main=black", "colour, main=brown");
        assertThat(encoding.classes()).containsExactly("cat", "dog");

        var data = encoding.encode(PETS);
        assertThat(data.x()[0]).containsExactly(4.0, 1.0, 0.0);
        assertThat(data.x()[1]).containsExactly(30.0, 0.0, 1.0);
        assertThat(Double.isNaN(data.x()[2][1]) && Double.isNaN(data.x()[2][2])).isTrue();
        assertThat(data.y()).containsExactly(0, 1, 0, 1);

        var unseen = CsvReader.read("new.csv", "weight,\"colour, main\"\n3,white\n", "sha");
        assertThat(encoding.encodeFeatures(unseen)[0]).containsExactly(3.0, 0.0, 0.0);
    }

    @Test
    void numericClassLabelsAreOrderedByValue() {
        var table = CsvReader.read("t.csv", "x,y\n1,10\n2,9\n3,10.0\n", "sha");
        var encoding = Encoding.fit(table, "y", TaskType.CLASSIFICATION);
        assertThat(encoding.classes()).containsExactly("9", "10");
        assertThat(encoding.encode(table).y()).containsExactly(1, 0, 1);
    }

    static Dataset digits() {
        RawTable t = new DatasetSource.Bundled("digits").read();
        return Encoding.fit(t, "target", TaskType.CLASSIFICATION).encode(t);
    }

    /**
     * The anchor benchmark (experiments/anchor/digits_anchor.py) reimplements the test split in
     * Python so that Optuna and scikit-learn score the rows Tunelab held out; its split for three
     * seeds is committed here, and must stay the worker's.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theAnchorBenchmarksTestSplitIsTheWorkers() throws Exception {
        var data = digits();
        List<java.util.Map<String, Object>> fixture;
        try (var in = getClass().getResourceAsStream("/splits/digits-test-rows.json")) {
            fixture = new com.fasterxml.jackson.databind.ObjectMapper().readValue(in, List.class);
        }
        assertThat(fixture).hasSize(3);
        for (var entry : fixture) {
            long seed = ((Number) entry.get("seed")).longValue();
            int[] expected = ((List<Integer>) entry.get("test_rows")).stream().mapToInt(Integer::intValue).toArray();
            assertThat(Splits.test(data, 0.2, seed).validation()).as("seed " + seed).containsExactly(expected);
        }
    }

    @Test
    void aHoldoutSplitIsStratifiedAndRepeatable() {
        var data = digits();
        var split = Splits.holdout(data, 0.2, 5);
        assertThat(split.validation().length).isBetween(355, 365);
        assertThat(split.train().length + split.validation().length).isEqualTo(data.rows());
        for (int c = 0; c < 10; c++) {
            int k = c;
            long inClass = Arrays.stream(split.validation()).filter(i -> data.y()[i] == k).count();
            assertThat(inClass).isBetween(34L, 38L);
        }
        assertThat(Splits.holdout(data, 0.2, 5).validation()).isEqualTo(split.validation());
        assertThat(Splits.holdout(data, 0.2, 6).validation()).isNotEqualTo(split.validation());
    }

    @Test
    void kFoldsPartitionTheRows() {
        var data = digits();
        List<Splits.Split> folds = Splits.kfold(data, 3, 1);
        var seen = new HashSet<Integer>();
        for (var f : folds) {
            for (int i : f.validation()) {
                assertThat(seen.add(i)).isTrue();
            }
            assertThat(f.train().length + f.validation().length).isEqualTo(data.rows());
            assertThat(IntStream.of(f.train()).boxed().toList()).doesNotContainAnyElementsOf(
                    IntStream.of(f.validation()).boxed().toList());
        }
        assertThat(seen).hasSize(data.rows());
    }

    @Test
    void theTestSplitIsStratifiedFixedByTheExperimentSeedAndApartFromTheSearchRows() {
        var data = digits();
        var test = Splits.test(data, 0.2, 7);
        assertThat(test.validation().length).isBetween(355, 365);
        assertThat(IntStream.of(test.train()).boxed().toList()).doesNotContainAnyElementsOf(
                IntStream.of(test.validation()).boxed().toList());
        for (int c = 0; c < 10; c++) {
            int k = c;
            assertThat(Arrays.stream(test.validation()).filter(i -> data.y()[i] == k).count()).isBetween(34L, 38L);
        }
        assertThat(Splits.test(data, 0.2, 7).validation()).isEqualTo(test.validation());
        // Not the hold-out split a repetition with the experiment seed would draw.
        assertThat(Splits.holdout(data, 0.2, 7).validation()).isNotEqualTo(test.validation());
        Dataset search = Splits.search(data, 0.2, 7);
        assertThat(search.rows()).isEqualTo(test.train().length);
        assertThat(search.x()[0]).isSameAs(data.x()[test.train()[0]]);
    }

    @Test
    void aTestSplitThatLeavesNoClassTwoSearchRowsIsRefused() {
        var iris = new DatasetSource.Bundled("iris").read();
        var data = Encoding.fit(iris, "target", TaskType.CLASSIFICATION).encode(iris);
        assertThat(Splits.search(data, 0.95, 7).rows()).isEqualTo(6);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Splits.search(data, 0.99, 7))
                .isInstanceOf(io.tunelab.api.TunelabException.class)
                .hasMessage("dataset.test 0.99 holds out so much that the search keeps 3 of 150 rows and no class has two of "
                        + "them, so every validation row would be of a class its training rows lack; hold out less (as dataset.test: 0.2)");
    }
}
