package io.tunelab.server.testing;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the CSV that Tunelab's export writes, in tests, with the parser the import uses. */
public final class Csv {
    private static final CsvMapper MAPPER = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private Csv() {
    }

    /**
     * RFC 4180: fields split by commas, records by CRLF, quoted fields may hold both and doubled
     * quotes; a quote left open fails the test, and so does a last record not ended by CRLF.
     */
    public static List<List<String>> parse(String text) {
        assertThat(text).as("the last record ends with CRLF").endsWith("\r\n");
        var rows = new ArrayList<List<String>>();
        try (MappingIterator<String[]> it = MAPPER.readerFor(String[].class).readValues(text)) {
            while (it.hasNextValue()) {
                String[] row = it.nextValue();
                rows.add(row.length == 0 ? List.of("") : List.of(row)); // a lone "" is one empty field
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("the export is not RFC 4180 CSV", ex);
        }
        return rows;
    }
}
