package io.tunelab.worker.data;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataCacheTest {
    @TempDir
    Path root;
    /** The names of the files read, in order. */
    final List<String> reads = new CopyOnWriteArrayList<>();
    DataSandbox sandbox;

    @BeforeEach
    void files() throws IOException {
        root = root.toRealPath();
        for (String name : List.of("a", "b", "c")) {
            Files.writeString(root.resolve(name + ".csv"), "x,target\n1,a\n2,b\n3,a\n4,b\n");
        }
        sandbox = DataSandbox.of(List.of(root), 1 << 20, real -> {
            reads.add(real.getFileName().toString());
            return Files.newInputStream(real);
        });
    }

    static DatasetSpec spec(String path) {
        return new DatasetSpec(new DatasetSource.CsvFile(path), "target", TaskType.CLASSIFICATION, new DatasetSpec.Holdout(0.2));
    }

    @Test
    void itKeepsTheMostRecentlyUsedDatasetsUpToItsEntryBound() {
        var cache = new DataCache(sandbox, 2, 1L << 30);

        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("a.csv"));
        cache.prepare(spec("c.csv"));
        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));

        assertThat(reads).containsExactly("a.csv", "b.csv", "c.csv", "b.csv");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void itKeepsWithinItsByteBoundButAlwaysKeepsTheLastDataset() {
        long one = DataCache.estimatedBytes(DataCache.prepare(sandbox.read("a.csv"), spec("a.csv")));
        reads.clear();
        var cache = new DataCache(sandbox, 10, one + one / 2);

        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("a.csv"));

        assertThat(reads).containsExactly("a.csv", "b.csv", "a.csv");
        assertThat(cache.size()).isEqualTo(1);

        var tiny = new DataCache(sandbox, 10, 1);
        tiny.prepare(spec("c.csv"));
        tiny.prepare(spec("c.csv"));
        assertThat(reads).endsWith("c.csv").filteredOn("c.csv"::equals).hasSize(1);
    }

    @Test
    void aChangedFileIsReadAgainAndARefusalOrErrorIsNotKept() throws IOException {
        var cache = new DataCache(sandbox, 4, 1L << 30);
        assertThat(cache.prepare(spec("a.csv")).dataset().rows()).isEqualTo(4);
        Files.writeString(root.resolve("a.csv"), "x,target\n1,a\n2,b\n3,a\n4,b\n5,a\n");

        assertThat(cache.prepare(spec("a.csv")).dataset().rows()).isEqualTo(5);
        assertThatThrownBy(() -> cache.prepare(spec("/etc/passwd"))).isInstanceOf(DataRefusedException.class);
        Files.writeString(root.resolve("bad.csv"), "x,target\n1,2,3\n");
        assertThatThrownBy(() -> cache.prepare(spec("bad.csv"))).isInstanceOf(UnusableDataException.class);
        assertThatThrownBy(() -> cache.prepare(spec("bad.csv"))).isInstanceOf(UnusableDataException.class);

        assertThat(reads).containsExactly("a.csv", "a.csv", "bad.csv", "bad.csv");
        assertThat(cache.size()).isEqualTo(2);
    }

    /** The bundled iris table with class 2 cut to its first {@code kept} rows (and class 1 to {@code kept1}), as a file under the root. */
    private String irisWith(String name, int kept1, int kept) throws IOException {
        List<String> lines;
        try (var in = DatasetSource.class.getResourceAsStream("/datasets/iris.csv")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        var out = new java.util.ArrayList<>(List.of(lines.getFirst()));
        int[] seen = new int[3];
        int[] keep = {Integer.MAX_VALUE, kept1, kept};
        for (String line : lines.subList(1, lines.size())) {
            int c = Integer.parseInt(line.substring(line.lastIndexOf(',') + 1).strip());
            if (seen[c]++ < keep[c]) {
                out.add(line);
            }
        }
        Files.write(root.resolve(name), out);
        return name;
    }

    private static DatasetSpec folds(String path, int k, Double test) {
        return new DatasetSpec(new DatasetSource.CsvFile(path), "target", TaskType.CLASSIFICATION, new DatasetSpec.Folds(k), null, test,
                List.of());
    }

    @Test
    void aClassWithFewerRowsThanTheValidationFoldsIsWarnedAboutNamingItsRowsTheFoldsAndWhatWouldDo() throws IOException {
        var cache = new DataCache(sandbox, 4, 1L << 30);
        String cut = irisWith("iris-cut.csv", 50, 2);
        PreparedData three = cache.prepare(folds(cut, 3, null));
        assertThat(three.usable()).isTrue();
        assertThat(DataReport.warnings(three.report())).contains("class \"2\" (2 rows) has fewer rows than dataset.validation.folds (3): "
                + "some folds validate on none of its rows; use dataset.validation.folds: 2 (the rows of the least populated class), "
                + "or add rows of that class");
        // As many folds as the class has rows, or a hold-out share: no such warning, from the same cached data.
        PreparedData two = cache.prepare(folds(cut, 2, null));
        PreparedData holdout = cache.prepare(new DatasetSpec(new DatasetSource.CsvFile(cut), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2)));
        for (PreparedData fine : List.of(two, holdout)) {
            assertThat(DataReport.warnings(fine.report())).noneMatch(w -> w.contains("dataset.validation.folds"));
            assertThat(fine.dataset()).isSameAs(three.dataset());
        }
        assertThat(reads).containsExactly("iris-cut.csv");
        assertThat(DataReport.warnings(cache.prepare(folds(cut, 3, null)).report())).as("the warning is the task's, every time")
                .anyMatch(w -> w.startsWith("class \"2\" (2 rows)"));
    }

    @Test
    void theFoldsAreCountedOutsideTheTestSplitAndAClassOfOneRowIsToldToGrowOrUseAHoldout() throws IOException {
        var cache = new DataCache(sandbox, 4, 1L << 30);
        // 5 rows of class 1 keep 4 outside a test share of 0.2, 1 row of class 2 keeps it (a class's only row is never held out).
        PreparedData prepared = cache.prepare(folds(irisWith("iris-thin.csv", 5, 1), 5, 0.2));
        assertThat(DataReport.warnings(prepared.report())).contains("classes \"2\" (1 row), \"1\" (4 rows) have fewer rows outside the "
                + "test split (dataset.test: 0.2) than dataset.validation.folds (5): some folds validate on none of their rows, and the "
                + "fold that validates on a class's only row trains without that class; add rows of those classes (folds go down to 2), "
                + "or validate on a share instead (dataset.validation: {holdout: 0.2})");
        // The bundled iris (50 rows a class) is enough for 10 folds even after a test share.
        var iris = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION, new DatasetSpec.Folds(10), null,
                0.2, List.of());
        assertThat(DataReport.warnings(cache.prepare(iris).report())).noneMatch(w -> w.contains("dataset.validation.folds"));
    }

    @Test
    void searchedFoldsAreWarnedAboutForTheMostTheSpaceGivesWhicheverTrialReports() throws IOException {
        var cache = new DataCache(sandbox, 4, 1L << 30);
        String cut = irisWith("iris-cut.csv", 50, 3);
        var searched = SearchSpace.builder().add("dataset.validation.folds", IntParam.of(2, 5)).build();
        String warning = "class \"2\" (3 rows) has fewer rows than dataset.validation.folds (up to 5 searched): some folds of a trial "
                + "given more folds than it has rows validate on none of its rows; search dataset.validation.folds up to 3 (the rows "
                + "of the least populated class), or add rows of that class";
        // The report is sent by whichever trial runs first: one of 2 folds warns as one of 5 does.
        for (int k : new int[] {2, 3, 5}) {
            assertThat(DataReport.warnings(cache.prepare(folds(cut, k, null), searched).report())).as("a trial of %d folds", k)
                    .filteredOn(w -> w.contains("dataset.validation.folds")).containsExactly(warning);
        }
        // No more folds searched than the class has rows: no warning, whatever the trial's folds.
        var enough = SearchSpace.builder().add("dataset.validation.folds", CategoricalParam.of(2, 3)).build();
        assertThat(DataReport.warnings(cache.prepare(folds(cut, 2, null), enough).report()))
                .noneMatch(w -> w.contains("dataset.validation.folds"));
        // Fixed folds (the space searches something else, or is not known) warn of the task's folds, as before.
        var other = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();
        for (SearchSpace space : new SearchSpace[] {other, null}) {
            assertThat(DataReport.warnings(cache.prepare(folds(cut, 2, null), space).report()))
                    .noneMatch(w -> w.contains("dataset.validation.folds"));
            assertThat(DataReport.warnings(cache.prepare(folds(cut, 5, null), space).report())).contains("class \"2\" (3 rows) has fewer "
                    + "rows than dataset.validation.folds (5): some folds validate on none of its rows; use dataset.validation.folds: 3 "
                    + "(the rows of the least populated class), or add rows of that class");
        }
    }

    @Test
    void theMostFoldsSearchedAreTheLargestWholeNumberTheParamCanGive() {
        assertThat(Splits.mostFoldsSearched(space(new IntParam(2, 9, false, 3, null)))).hasValue(8);
        assertThat(Splits.mostFoldsSearched(space(IntParam.log(2, 20)))).hasValue(20);
        assertThat(Splits.mostFoldsSearched(space(CategoricalParam.of(5, 3, 10)))).hasValue(10);
        // Choices no trial could validate with (not whole numbers) are not folds: the others count, or none.
        assertThat(Splits.mostFoldsSearched(space(CategoricalParam.of(4, 2.5, "ten")))).hasValue(4);
        assertThat(Splits.mostFoldsSearched(space(CategoricalParam.of("three", 7.5)))).isEmpty();
        assertThat(Splits.mostFoldsSearched(space(FloatParam.of(2, 10)))).isEmpty();
        assertThat(Splits.mostFoldsSearched(SearchSpace.empty())).isEmpty();
        assertThat(Splits.mostFoldsSearched(null)).isEmpty();
    }

    private static SearchSpace space(io.tunelab.api.Param folds) {
        return SearchSpace.builder().add("dataset.validation.folds", folds).build();
    }

    @Test
    void manyThinClassesAreNamedUpToABoundAndCounted() throws IOException {
        var csv = new StringBuilder("x,target\n");
        for (int i = 0; i < 30; i++) {
            csv.append(i).append(",common\n");
        }
        for (int c = 0; c < Splits.MAX_CLASSES_LISTED + 2; c++) {
            csv.append(100 + c).append(",rare").append((char) ('a' + c)).append('\n');
        }
        Files.writeString(root.resolve("rare.csv"), csv);
        var warnings = DataReport.warnings(new DataCache(sandbox, 1, 1L << 30).prepare(folds("rare.csv", 2, null)).report());
        assertThat(warnings).filteredOn(w -> w.contains("dataset.validation.folds")).singleElement().satisfies(w -> assertThat(w)
                .startsWith("classes \"rarea\" (1 row), \"rareb\" (1 row)").contains("\"rarej\" (1 row) and 2 more have fewer rows")
                .doesNotContain("rarek").doesNotContain("common"));
    }

    @Test
    void bundledDatasetsNeedNoRoot() {
        var cache = new DataCache(DataSandbox.bundledOnly(), 2, 1L << 30);
        var iris = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION, new DatasetSpec.Holdout(0.2));

        assertThat(cache.prepare(iris)).isSameAs(cache.prepare(iris));
    }
}
