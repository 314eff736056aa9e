package io.tunelab.worker.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads comma-separated text with a header row (RFC 4180: fields may be quoted, quotes
 * doubled inside; a leading byte-order mark is skipped). Rows shorter or longer than the
 * header make the file unusable, with an error naming the line: no trial could read it.
 */
final class CsvReader {
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private CsvReader() {
    }

    /**
     * Parses a file's bytes as UTF-8. A malformed file throws {@link UnusableDataException} with a
     * report that names counts, never cells: every trial of the task would fail on it.
     */
    static RawTable read(String source, byte[] bytes) {
        try {
            return read(source, new String(bytes, StandardCharsets.UTF_8), sha256(bytes));
        } catch (IllegalArgumentException e) {
            String problem = "dataset: " + e.getMessage();
            throw new UnusableDataException(DataReport.refused(source, problem), List.of(problem));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static RawTable read(String source, String text, String sha256) {
        List<List<String>> records = parse(text);
        if (records.isEmpty()) {
            return new RawTable(source, List.of(), List.of(), sha256);
        }
        List<String> header = records.getFirst().stream().map(String::strip).toList();
        if (!header.isEmpty() && header.getFirst().startsWith(BYTE_ORDER_MARK)) {
            // Spreadsheet programs write one before the header of a "UTF-8 CSV".
            var named = new ArrayList<>(header);
            named.set(0, header.getFirst().substring(1).strip());
            header = List.copyOf(named);
        }
        var rows = new ArrayList<String[]>(records.size() - 1);
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() == 1 && r.getFirst().isBlank()) {
                continue;
            }
            if (r.size() != header.size()) {
                throw new IllegalArgumentException(source + ": record " + (i + 1) + " has " + r.size()
                        + " fields but the header has " + header.size() + otherSeparator(header));
            }
            rows.add(r.toArray(String[]::new));
        }
        return new RawTable(source, header, rows, sha256);
    }

    /**
     * A hint for a file separated by something other than commas (a semicolon, as spreadsheets
     * write where the decimal mark is a comma, a tab or a bar), seen as a header of one field
     * that holds it; empty otherwise.
     */
    static String otherSeparator(List<String> header) {
        if (header.size() != 1) {
            return "";
        }
        for (String separator : List.of(";", "\t", "|")) {
            if (header.getFirst().contains(separator)) {
                String shown = separator.equals("\t") ? "tabs" : "'" + separator + "'";
                return "; its header is one field holding " + shown + ": the file looks separated by " + shown
                        + ", but a dataset must be comma-separated: save it with commas (and '.' as the decimal mark)";
            }
        }
        return "";
    }

    private static List<List<String>> parse(String text) {
        var records = new ArrayList<List<String>>();
        var record = new ArrayList<String>();
        var field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (any) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
