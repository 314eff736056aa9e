package io.tunelab.worker.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatePartsTest {

    @Test
    void isoDatesAndDateTimesBecomeTheirParts() {
        assertThat(DateParts.of("2024-03-05")).containsExactly(2024, 3, 5, 2, 0);
        assertThat(DateParts.of("2024-03-10T14:30")).containsExactly(2024, 3, 10, 7, 14);
        assertThat(DateParts.of("2024-03-10 23:59:59")).containsExactly(2024, 3, 10, 7, 23);
        assertThat(DateParts.of("2024-03-10T08:00:00+01:00")).containsExactly(2024, 3, 10, 7, 8);
        assertThat(DateParts.of("05/03/2024")).isNull();
        assertThat(DateParts.of("2024-13-01")).isNull();
    }

    @Test
    void aDateColumnIsEncodedAsPartsAndAMissingDateAsMissingParts() {
        RawTable table = CsvReader.read("d.csv", "when,colour,target\n2024-03-05,red,1\n,blue,0\n2023-12-31T06:00,red,1\n", "sha");
        var encoding = Encoding.fit(table, "target", TaskType.CLASSIFICATION);

        assertThat(encoding.inputNames()).containsExactly("when.year", "when.month", "when.day", "when.weekday", "when.hour",
                "colour=blue", "colour=red");
        assertThat(encoding.dateInputs()).containsExactly(true, true, true, true, true, false, false);
        double[][] x = encoding.encode(table).x();
        assertThat(x[0]).containsExactly(2024, 3, 5, 2, 0, 0, 1);
        assertThat(x[1][0]).isNaN();
        assertThat(x[2]).startsWith(2023, 12, 31, 7, 6);
    }

    @Test
    void aColumnWithAnyOtherTextStaysCategorical() {
        RawTable table = CsvReader.read("d.csv", "when,target\n2024-03-05,1\nsoon,0\n", "sha");
        assertThat(Encoding.fit(table, "target", TaskType.CLASSIFICATION).inputNames()).containsExactly("when=2024-03-05", "when=soon");
    }
}
