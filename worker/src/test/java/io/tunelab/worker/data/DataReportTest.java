package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                .singleElement().asString().contains("\"label\" is not in the data", "[\"a\", \"b\"]");
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1,big\n2,small\n"), "y", TaskType.REGRESSION)))
                .singleElement().asString().contains("holds text (for example \"big\")", "numeric target");
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1,a\n2,a\n"), "y", TaskType.CLASSIFICATION)))
                .singleElement().asString().contains("only one class");
        assertThat(DataReport.of(csv("x,y\n1,a\n2,a\n"), "y", TaskType.CLASSIFICATION)).containsEntry("usable", false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClassBalanceListsAtMostFiftyClassesWithClippedLabelsAndSumsUpTheRest() {
        var text = new StringBuilder("x,target\n");
        for (int c = 0; c < 120; c++) {
            String label = "class-" + (char) ('A' + c % 26) + c + "-" + "z".repeat(70);
            for (int r = 0; r < (c < 50 ? 3 : 1); r++) {
                text.append(r).append(',').append(label).append('\n');
            }
        }

        var report = DataReport.of(csv(text.toString()), "target", TaskType.CLASSIFICATION);

        var balance = (Map<String, Integer>) report.get("class_balance");
        assertThat(balance).hasSize(50).allSatisfy((label, count) -> {
            assertThat(label).hasSizeLessThan(90).endsWith("…[" + (label.indexOf('-', 6) + 71) + " chars]");
            assertThat(count).isEqualTo(3);
        });
        assertThat(report).containsEntry("class_balance_unlisted", Map.of("classes", 70, "rows", 70));
        assertThat((List<String>) report.get("warnings")).anyMatch(w -> w.contains("the target has 120 classes"));
    }

    @Test
    void aFewShortClassesAreListedWholeWithoutASummary() {
        var report = DataReport.of(csv("x,y\n1,a\n2,b\n3,b\n"), "y", TaskType.CLASSIFICATION);
        assertThat(report).containsEntry("class_balance", Map.of("a", 1, "b", 2)).doesNotContainKey("class_balance_unlisted");
    }

    @Test
    void messagesAboutLongOrManyColumnsAndTextTargetsAreClipped() {
        String secret = "s".repeat(500);
        var columns = new StringBuilder("x");
        for (int c = 0; c < 30; c++) {
            columns.append(",c").append(c);
        }
        String row = "1" + ",2".repeat(30);
        assertThat(DataReport.problems(DataReport.of(csv(columns + "\n" + row + "\n"), "target", TaskType.CLASSIFICATION)))
                .singleElement().asString().contains("\"c18\"]", "and 11 more").doesNotContain("c19");
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1," + secret + "\n2,b\n"), "y", TaskType.REGRESSION)))
                .singleElement().asString().contains("s".repeat(64) + "…[500 chars]").doesNotContain("s".repeat(65));
        assertThat(DataReport.problems(DataReport.of(csv("x,y\n1," + secret + "\n"), "y", TaskType.CLASSIFICATION)))
                .anySatisfy(p -> assertThat(p).contains("only one class").doesNotContain("s".repeat(65)));
    }

    @Test
    void aFileThatFailsToParseIsDescribedByCountsNeverByItsCells() {
        assertThatThrownBy(() -> CsvReader.read("f.csv", "user,target\nroot,x,secret-cell\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(UnusableDataException.class, e -> assertThat(e.report())
                        .containsOnlyKeys("dataset", "usable", "problems", "warnings").containsEntry("usable", false)
                        .containsEntry("problems", List.of("dataset: f.csv: record 2 has 3 fields but the header has 2"))
                        .containsEntry("dataset", "f.csv"))
                .hasMessage("the data is unusable: dataset: f.csv: record 2 has 3 fields but the header has 2");
        var model = Encoding.fit(csv("x,y\n1,a\n2,b\n"), "y", TaskType.CLASSIFICATION);
        assertThatThrownBy(() -> model.encodeFeatures(csv("x\nsecret-cell\n")))
                .hasMessage("test.csv row 1: column \"x\" holds text, but it is numeric");
    }

    @Test
    void aFileSeparatedBySemicolonsOrTabsIsToldToBeCommaSeparated() {
        // As a spreadsheet saves it where the decimal mark is a comma: each row splits at the decimal commas.
        assertThatThrownBy(() -> CsvReader.read("eu.csv", "x;target\n1,5;a\n2,5;b\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnusableDataException.class)
                .hasMessageContaining("eu.csv: record 2 has 2 fields but the header has 1; its header is one field holding ';': "
                        + "the file looks separated by ';', but a dataset must be comma-separated");
        // Without decimal commas it parses as one column, which holds no target.
        assertThat(DataReport.problems(DataReport.of(csv("x\ttarget\n1\ta\n2\tb\n"), "target", TaskType.CLASSIFICATION)))
                .first().asString().contains("\"target\" is not in the data", "looks separated by tabs");
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsNotPartOfTheFirstColumnsName() {
        RawTable table = CsvReader.read("bom.csv", "\uFEFFtarget,x\na,1\nb,2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(table.columns()).containsExactly("target", "x");
        assertThat(DataReport.of(table, "target", TaskType.CLASSIFICATION)).containsEntry("usable", true);
    }

    @Test
    void aHeaderThatNamesAColumnTwiceIsUnusable() {
        var report = DataReport.of(csv("x,y,x,target\n1,2,3,a\n4,5,6,b\n"), "target", TaskType.CLASSIFICATION);
        assertThat(report).containsEntry("usable", false);
        assertThat(DataReport.problems(report)).containsExactly(
                "the header names column \"x\" twice (columns 1 and 3); give every column its own name");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNumericColumnWithAFewTextCellsIsWarnedAboutNotSilentlyReadAsCategories() {
        var text = new StringBuilder("size,label,target\n");
        for (int i = 0; i < 40; i++) {
            text.append(i == 7 ? "12 cm" : i == 9 ? "-" : String.valueOf(i)).append(',').append(i % 2 == 0 ? "even" : "odd")
                    .append(',').append(i % 2).append('\n');
        }
        var report = DataReport.of(csv(text.toString()), "target", TaskType.CLASSIFICATION);

        assertThat((Map<String, Object>) report.get("column_types")).containsEntry("size", "string").containsEntry("label", "string");
        assertThat((List<String>) report.get("warnings")).containsExactly("column \"size\" holds numbers but for 2 of its 40 values "
                + "(for example \"12 cm\"), so it is read as text, each distinct value a category; correct those cells, or leave them "
                + "empty to have them imputed as missing");
        assertThat(report).containsEntry("usable", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anIdentifierOrASavedRowIndexIsWarnedAboutAndAColumnOfTooManyCategoriesIsUnusable() {
        var text = new StringBuilder(",id,when,size,target\n");
        for (int i = 0; i < 30; i++) {
            text.append(i).append(",u-").append(i * 7).append(",2026-01-").append(String.format("%02d", i + 1)).append(',')
                    .append(i % 5).append(',').append(i % 2).append('\n');
        }
        var report = DataReport.of(csv(text.toString()), "target", TaskType.CLASSIFICATION);

        assertThat(report).containsEntry("usable", true);
        assertThat((List<String>) report.get("warnings")).containsExactly(
                "column \"\" counts the rows (0 or 1, 2, 3, … in file order): an identifier, or a saved row index? It tells the "
                        + "model nothing about other rows; leave it out with dataset.drop: [\"\"]",
                "column \"id\" has a different value in every row: an identifier, or a saved row index? It tells the model nothing "
                        + "about other rows; leave it out with dataset.drop: [\"id\"]");

        var wide = new StringBuilder("name,target\n");
        for (int i = 0; i <= DataReport.MAX_CATEGORIES; i++) {
            wide.append("n").append(i).append(',').append(i % 2).append('\n');
        }
        assertThat(DataReport.problems(DataReport.of(csv(wide.toString()), "target", TaskType.CLASSIFICATION))).containsExactly(
                "column \"name\" holds 1001 distinct text values; one-hot they would make as many inputs (at most 1000): leave it "
                        + "out with dataset.drop: [\"name\"], or encode it as numbers in the file");
    }

    @Test
    void droppedColumnsAreLeftOutBeforeTheReportAndTheEncodingAndAnUnknownOneIsUnusable() {
        RawTable table = csv("id,x,target\na,1,0\nb,2,1\nc,3,0\n");
        var spec = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of("id"));
        PreparedData prepared = DataCache.prepare(table, spec);
        assertThat(prepared.report()).containsEntry("columns", 2).containsEntry("usable", true);
        assertThat(prepared.dataset().width()).isEqualTo(1);

        var typo = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of("idd"));
        assertThat(DataReport.problems(DataCache.prepare(table, typo).report())).containsExactly(
                "dataset.drop names [\"idd\"], not columns of the data; columns: [\"id\", \"x\", \"target\"]");
        assertThatThrownBy(() -> DatasetSpec.parse(io.tunelab.api.Options.of("dataset", Map.of("name", "iris", "drop", List.of("target"))),
                null)).hasMessageContaining("dataset.drop names the target column \"target\"");
        assertThatThrownBy(() -> DatasetSpec.parse(io.tunelab.api.Options.of("dataset", Map.of("name", "iris", "drop", List.of(Map.of()))),
                null)).hasMessageContaining("dataset.drop must list names, as [id, name]");
        // A saved row index has the empty name.
        var index = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of(""));
        assertThat(DataCache.prepare(csv(",x,target\n0,1,0\n1,2,1\n2,3,0\n"), index).report()).containsEntry("columns", 2)
                .containsEntry("usable", true);
        assertThat(DatasetSpec.parse(io.tunelab.api.Options.of("dataset", Map.of("name", "iris", "drop", List.of("", "id"))), null)
                .drop()).containsExactly("", "id");
    }

    @Test
    void dropNamesThatAreNotColumnsAreToldWithEveryColumnNamedWholeUpToABound() {
        String spending = "average monthly spending over the last twelve months, adjusted for inflation";
        RawTable table = csv("\"" + spending + " (USD)\",\"" + spending + " (EUR)\",\"height, cm\",target\n1,2,3,a\n4,5,6,b\n");
        var typo = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of(spending + " (GBP)", "height"));
        assertThat(DataReport.problems(DataCache.prepare(table, typo).report())).containsExactly("dataset.drop names [\"" + spending
                + " (GBP)\", \"height\"], not columns of the data; columns: [\"" + spending + " (USD)\", \"" + spending + " (EUR)\", "
                + "\"height, cm\", \"target\"]");
        // Any name listed, given back, drops its column.
        var fixed = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of(spending + " (EUR)", "height, cm"));
        PreparedData prepared = DataCache.prepare(table, fixed);
        assertThat(prepared.report()).containsEntry("usable", true).containsEntry("columns", 2);

        // Many columns: the first 20 whole, the others counted; a name no one would type (a header read wrong) is cut.
        var header = new StringBuilder();
        for (int c = 0; c < 30; c++) {
            header.append('"').append(spending).append(" #").append(c).append("\",");
        }
        String wrong = "w".repeat(DataReport.MAX_COLUMN_NAME + 500);
        RawTable wide = csv(header + wrong + ",target\n" + "1,".repeat(31) + "a\n" + "2,".repeat(31) + "b\n");
        var many = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of("nothing", wrong + "!"));
        assertThat(DataReport.problems(DataCache.prepare(wide, many).report())).singleElement().asString()
                .startsWith("dataset.drop names [\"nothing\", \"" + "w".repeat(DataReport.MAX_COLUMN_NAME) + "…["
                        + (DataReport.MAX_COLUMN_NAME + 501) + " chars]\"], not columns of the data; columns: [\"" + spending + " #0\", ")
                .contains("\"" + spending + " #19\"] and 12 more").doesNotContain("#20");
    }

    @Test
    void anIdentifierWithALongNameIsToldTheDropThatLeavesItOut() {
        String id = "customer identifier as exported from the billing system on the first of each month";
        var text = new StringBuilder("\"" + id + "\",x,target\n");
        for (int i = 0; i < 30; i++) {
            text.append("u-").append(i * 7).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        }
        RawTable table = csv(text.toString());
        assertThat(DataReport.warnings(DataReport.of(table, "target", TaskType.CLASSIFICATION))).containsExactly("column \"" + id
                + "\" has a different value in every row: an identifier, or a saved row index? It tells the model nothing about "
                + "other rows; leave it out with dataset.drop: [\"" + id + "\"]");
        var dropped = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
                new DatasetSpec.Holdout(0.2), null, null, List.of(id));
        assertThat(DataCache.prepare(table, dropped).report()).containsEntry("usable", true).containsEntry("warnings", List.of());
    }

    @Test
    void aRefusedFileIsReportedUnusableWithTheReasonAndNothingOfItsContent() {
        assertThat(DataReport.refused("/etc/passwd", "dataset.path \"/etc/passwd\" is outside the data roots"))
                .containsOnlyKeys("dataset", "usable", "problems", "warnings")
                .containsEntry("usable", false)
                .containsEntry("problems", List.of("dataset.path \"/etc/passwd\" is outside the data roots"));
    }
}
