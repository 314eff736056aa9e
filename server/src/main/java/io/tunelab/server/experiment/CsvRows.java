package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 text read into rows of cells, as {@link TrialExport} writes it: fields separated by
 * commas, lines by CRLF or LF, a quoted field may hold commas, quotes (doubled) and line breaks.
 * Blank lines are skipped. Pure.
 */
final class CsvRows {
    private CsvRows() {
    }

    /** One row: its cells and the line it starts on (1 for the header). */
    record Row(int line, List<String> cells) {
    }

    /** Every non-blank row; an unterminated quote is an INVALID_VALUE error naming its line. */
    static List<Row> parse(String text) {
        var rows = new ArrayList<Row>();
        var cells = new ArrayList<String>();
        var cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int line = 1;
        int rowLine = 1;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
                any = true;
                quoteLine = line;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                end(rows, rowLine, cells, cell, any);
                cells = new ArrayList<>();
                any = false;
                line++;
                rowLine = line;
            } else {
                cell.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "line " + quoteLine + ": a quoted field is never closed; "
                    + "end it with \" (a quote inside a field is written twice, \"\")");
        }
        end(rows, rowLine, cells, cell, any);
        return rows;
    }

    private static void end(List<Row> rows, int line, List<String> cells, StringBuilder cell, boolean any) {
        if (any || !cell.isEmpty()) {
            cells.add(cell.toString());
            rows.add(new Row(line, List.copyOf(cells)));
        }
        cell.setLength(0);
    }
}
