package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads comma-separated text with a header row (RFC 4180: fields may be quoted, quotes
 * doubled inside). Rows shorter or longer than the header are an error naming the line.
 */
final class CsvReader {
    private CsvReader() {
    }

    /** Parses a file's bytes as UTF-8; a malformed file is an INVALID_SPEC error that names counts, never cells. */
    static RawTable read(String source, byte[] bytes) {
        try {
            return read(source, new String(bytes, StandardCharsets.UTF_8), sha256(bytes));
        } catch (IllegalArgumentException e) {
            throw TunelabException.invalidSpec("dataset: " + e.getMessage());
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
        var rows = new ArrayList<String[]>(records.size() - 1);
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() == 1 && r.getFirst().isBlank()) {
                continue;
            }
            if (r.size() != header.size()) {
                throw new IllegalArgumentException(source + ": record " + (i + 1) + " has " + r.size()
                        + " fields but the header has " + header.size());
            }
            rows.add(r.toArray(String[]::new));
        }
        return new RawTable(source, header, rows, sha256);
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
