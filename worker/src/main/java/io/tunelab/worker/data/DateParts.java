package io.tunelab.worker.data;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * ISO dates and date-times as numbers: a date column becomes its parts {@link #PARTS} (the
 * weekday is 1 for Monday to 7 for Sunday; the hour is 0 for a plain date). Accepted forms:
 * {@code 2024-03-05}, {@code 2024-03-05T14:30[:00]}, the same with a space for the {@code T},
 * and either with an offset ({@code Z}, {@code +01:00}); an offset is dropped, the local
 * parts are kept.
 */
final class DateParts {
    static final List<String> PARTS = List.of("year", "month", "day", "weekday", "hour");

    private DateParts() {
    }

    /** The parts of a cell, or null when it is not an ISO date. */
    static double[] of(String cell) {
        LocalDateTime t = parse(cell.strip());
        if (t == null) {
            return null;
        }
        return new double[] {t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getDayOfWeek().getValue(), t.getHour()};
    }

    /** Whether a column's present cells are all ISO dates (and at least one is present). */
    static boolean isDateColumn(RawTable table, int column) {
        boolean any = false;
        for (String[] row : table.rows()) {
            if (!RawTable.isMissing(row[column])) {
                if (of(row[column]) == null) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private static LocalDateTime parse(String s) {
        // A date starts with four digits and a dash; anything else is not worth an exception.
        if (s.length() < 10 || s.charAt(4) != '-' || !Character.isDigit(s.charAt(0))) {
            return null;
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + "T" + s.substring(11) : s;
        try {
            return iso.length() == 10 ? LocalDate.parse(iso).atStartOfDay() : LocalDateTime.parse(iso);
        } catch (DateTimeParseException notLocal) {
            try {
                return OffsetDateTime.parse(iso).toLocalDateTime();
            } catch (DateTimeParseException notIso) {
                return null;
            }
        }
    }
}
