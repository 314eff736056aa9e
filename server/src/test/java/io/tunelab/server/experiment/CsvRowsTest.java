package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRowsTest {
    private static List<List<String>> cells(String text) {
        return CsvRows.parse(text).stream().map(CsvRows.Row::cells).toList();
    }

    @Test
    void quotedFieldsHoldCommasDoubledQuotesAndLineBreaks() {
        List<CsvRows.Row> rows = CsvRows.parse("a,b\r\n\"x,\"\"y\"\"\r\nz\",2\r\n3,\"\"\r\n");
        assertThat(rows).extracting(CsvRows.Row::cells)
                .containsExactly(List.of("a", "b"), List.of("x,\"y\"\r\nz", "2"), List.of("3", ""));
        assertThat(rows).extracting(CsvRows.Row::line).as("the line each row starts on").containsExactly(1, 2, 4);
    }

    @Test
    void aByteOrderMarkIsDroppedBlankLinesSkippedAndLoneLineFeedsEndRows() {
        assertThat(cells("\uFEFFparams_x,values_loss\n\n0.5,1\n\n")).containsExactly(List.of("params_x", "values_loss"), List.of("0.5", "1"));
        assertThat(cells("a\n\"\"\n,\n")).as("a lone \"\" is one empty cell").containsExactly(List.of("a"), List.of(""), List.of("", ""));
        assertThat(cells("")).isEmpty();
        assertThat(cells("\r\n\n")).isEmpty();
    }

    @Test
    void raggedRowsAreReadAsTheyAreForTheCallerToJudge() {
        assertThat(cells("a,b\n1\n1,2,3\n")).containsExactly(List.of("a", "b"), List.of("1"), List.of("1", "2", "3"));
    }

    @Test
    void malformedTextIsAnInvalidValueNamingTheLineOfItsRow() {
        record Case(String csv, String says) {
        }
        for (Case c : List.of(
                new Case("a,b\n0,\"0.5,adam\n", "line 2: a quoted field is never closed; end it with \""),
                new Case("\"a,b\n0,1\n", "line 1: a quoted field is never closed"),
                new Case("a,b\n1,\"x\ny\"\n\n2,\"open\nq\n", "line 5: a quoted field is never closed"),
                new Case("a,b\n1,2\n\"q\"x,2\n", "line 3: the text is not CSV"))) {
            assertThatThrownBy(() -> CsvRows.parse(c.csv())).as(c.says())
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                    .hasMessageContaining(c.says());
        }
    }
}
