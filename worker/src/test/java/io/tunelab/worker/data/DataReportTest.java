package io.tunelab.worker.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DataReportTest {
    static RawTable csv(String text) {
        return CsvReader.read("test.csv", text, "sha");
    }

    /** Iris with seeded corruption: 10 missing cells, a constant column, a copied column and a duplicated row. */
    static RawTable corruptedIris() {
        RawTable iris = new DatasetSource.Bundled("iris").read();
        var random = new Random(17);
        var columns = new ArrayList<>(List.of("constant", "copy"));
        columns.addAll(iris.columns());
        var rows = new ArrayList<String[]>();
        for (String[] r : iris.rows()) {
            var row = new ArrayList<>(List.of("1", r[0]));
            row.addAll(List.of(r));
            rows.add(row.toArray(String[]::new));
        }
        rows.add(rows.get(120).clone());
        int missing = 0;
        while (missing < 10) {
            String[] row = rows.get(random.nextInt(100));
            if (!row[3].isEmpty()) {
                row[3] = "";
                missing++;
            }
        }
        return new RawTable("iris-corrupted", columns, rows, "sha");
    }

    @Test
    void aCorruptedCopyOfIrisShowsEveryProblemAndStaysUsable() {
        // Fisher's iris has one duplicated row of its own (rows 102 and 143).
        assertThat(DataReport.of(new DatasetSource.Bundled("iris").read(), "target", TaskType.CLASSIFICATION))
                .containsEntry("duplicate_rows", 1);
        Map<String, Object> report = DataReport.of(corruptedIris(), "target", TaskType.CLASSIFICATION);

        assertThat(report).containsEntry("rows", 151).containsEntry("columns", 7).containsEntry("usable", true)
                .containsEntry("missing_cells", 10).containsEntry("duplicate_rows", 2)
                .containsEntry("constant_columns", List.of("constant"))
                .containsEntry("duplicate_columns", List.of(List.of("copy", "sepal_length")));
        assertThat((Map<String, Object>) report.get("missing")).containsEntry("sepal_width", 10);
        assertThat((Map<String, Object>) report.get("class_balance")).containsEntry("0", 50).containsEntry("1", 50)
                .containsEntry("2", 51);
        assertThat((Map<String, Object>) report.get("column_types")).containsEntry("sepal_width", "numeric");
        assertThat((List<String>) report.get("warnings")).anyMatch(w -> w.contains("imputation"));
    }

    @Test
    void outliersAreCountedPerNumericColumn() {
        var report = DataReport.of(csv("x,target\n1,0\n2,1\n3,0\n2,1\n1,0\n500,1\n"), "target", TaskType.CLASSIFICATION);
        assertThat((Map<String, Object>) report.get("outliers")).containsEntry("x", 1);
    }

    @Test
    void regressionReportsTheTargetDistribution() {
        var report = DataReport.of(new DatasetSource.Bundled("diabetes").read(), "target", TaskType.REGRESSION);
        var distribution = (Map<String, Object>) report.get("target_distribution");
        assertThat(distribution).containsEntry("min", 25.0).containsEntry("max", 346.0);
        assertThat(report).containsEntry("usable", true);
    }

    @Test
    void unusableDataSaysWhatIsWrong() {
        assertThat(DataReport.problems(DataReport.of(csv(""), "target", TaskType.CLASSIFICATION)))
                .containsExactly("the file is empty: no header and no rows");
        assertThat(DataReport.problems(DataReport.of(csv("a,b\n"), "target", TaskType.CLASSIFICATION)))
                .containsExactly("the file has a header but no rows");
        assertThat(DataReport.problems(DataReport.of(csv("a,b\n1,2\n"), "label", TaskType.CLASSIFICATION)))
                .singleElement().asString().contains("\"label\" is not in the data", "[a, b]");
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1,big\n2,small\n"), "y", TaskType.REGRESSION)))
                .singleElement().asString().contains("holds text (for example \"big\")", "numeric target");
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1,a\n2,a\n"), "y", TaskType.CLASSIFICATION)))
                .singleElement().asString().contains("only one class");
        assertThat(DataReport.of(csv("x,y\n1,a\n2,a\n"), "y", TaskType.CLASSIFICATION)).containsEntry("usable", false);
    }
}
