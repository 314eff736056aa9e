package io.tunelab.server.experiment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 4180 text read into rows of cells, as {@link TrialExport} writes it: fields separated by
 * commas, lines by CRLF or LF, a quoted field may hold commas, quotes (doubled) and line breaks.
 * A byte order mark before the header is dropped; blank lines are skipped; rows may differ in
 * length (the caller decides what a short or long row means). Jackson's CSV parser does the
 * reading, without a schema and without an escape character. Pure and thread-safe.
 */
final class CsvRows {
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final ObjectReader READER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build()
            .readerFor(String[].class);

    private CsvRows() {
    }

    /** One row: its cells and the line it starts on (1 for the header). */
    record Row(int line, List<String> cells) {
    }

    /**
     * Every non-blank row. Text that is not RFC 4180 (a quoted field never closed, text after a
     * closing quote) is an INVALID_VALUE error naming the line of the row it is in.
     */
    static List<Row> parse(String text) {
        String body = !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
        var rows = new ArrayList<Row>();
        int next = 1; // the line the next row starts on, or a blank line before it
        try (MappingIterator<String[]> it = READER.readValues(body)) {
            while (it.hasNextValue()) {
                int line = lineOf(it.getCurrentLocation(), next);
                rows.add(new Row(line, cells(it.nextValue())));
                next = lineOf(it.getParser().currentLocation(), line + 1);
            }
        } catch (JacksonException ex) {
            throw malformed(next, ex);
        } catch (IOException ex) {
            throw new IllegalStateException("reading CSV from a string", ex); // a StringReader does not fail
        }
        return rows;
    }

    /** Blank lines are skipped, so a row without cells was a lone {@code ""}: one empty cell. */
    private static List<String> cells(String[] cells) {
        return cells.length == 0 ? List.of("") : List.of(cells);
    }

    private static int lineOf(JsonLocation location, int fallback) {
        return location == null || location.getLineNr() < 1 ? fallback : location.getLineNr();
    }

    private static TunelabException malformed(int line, JacksonException ex) {
        String what = ex.getOriginalMessage();
        String message = what != null && what.contains("closing quote")
                ? "a quoted field is never closed; end it with \" (a quote inside a field is written twice, \"\")"
                : "the text is not CSV (" + what + "); a quoted field ends at its closing quote, which is followed by a comma "
                        + "or the end of the line, and a quote inside it is written twice (\"\")";
        return TunelabException.of(ErrorCode.INVALID_VALUE, "line " + line + ": " + message, Map.of("line", line));
    }
}
