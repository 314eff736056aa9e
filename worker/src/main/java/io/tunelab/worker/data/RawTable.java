package io.tunelab.worker.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A CSV as read: the header, the rows as strings, the file's sha256 and where it came from.
 * Rows are not copied for speed; callers must not change them.
 */
public record RawTable(String source, List<String> columns, List<String[]> rows, String sha256) {
    public RawTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The table without {@code dropped}'s columns (a name it does not have is left to the caller to refuse). */
    public RawTable without(List<String> dropped) {
        if (dropped.isEmpty()) {
            return this;
        }
        int[] kept = IntStream.range(0, columns.size()).filter(c -> !dropped.contains(columns.get(c))).toArray();
        var keptRows = new ArrayList<String[]>(rows.size());
        for (String[] row : rows) {
            String[] r = new String[kept.length];
            for (int i = 0; i < kept.length; i++) {
                r[i] = row[kept[i]];
            }
            keptRows.add(r);
        }
        return new RawTable(source, Arrays.stream(kept).mapToObj(columns::get).toList(), keptRows, sha256);
    }

    /** The position of a column, or -1. */
    public int indexOf(String column) {
        return columns.indexOf(column);
    }

    /** Whether a cell holds no value: empty, {@code NA}, {@code NaN}, {@code null} or {@code ?}. */
    public static boolean isMissing(String cell) {
        if (cell == null) {
            return true;
        }
        String c = cell.strip();
        return c.isEmpty() || c.equalsIgnoreCase("na") || c.equalsIgnoreCase("nan") || c.equalsIgnoreCase("null")
                || c.equals("?");
    }

    /** The cell as a number, or NaN when it is missing; throws NumberFormatException when it is text. */
    public static double number(String cell) {
        return isMissing(cell) ? Double.NaN : Double.parseDouble(cell.strip());
    }

    /** Whether every present value of a column is a number. */
    public boolean isNumeric(int column) {
        for (String[] row : rows) {
            String cell = row[column];
            if (!isMissing(cell)) {
                try {
                    Double.parseDouble(cell.strip());
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
