package io.tunelab.server.experiment;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trials evaluated elsewhere, read from a CSV in the layout {@link TrialExport} writes, so an
 * export imports as it is: {@code params_NAME} cells are the params, {@code values_METRIC} cells
 * of the objectives the values, {@code state} says how the trial ended (COMPLETE when the column
 * is missing or the cell empty), {@code error}, {@code started} and {@code finished} are kept when
 * present; every other column ({@code number}, {@code id}, {@code stats_…}, values of metrics
 * that are not objectives, a population-based training lineage {@code params_pbt.…}) is ignored. Rows of WAITING, RUNNING or RACED_OUT trials are skipped.
 * Every row is checked before any is kept: the first bad cell is an INVALID_VALUE error naming
 * its row (the first row after the header is row 1) and column and what would be right. Pure.
 */
final class CsvTrials {
    /** The most rows one import may hold. */
    static final int MAX_ROWS = 10_000;
    private static final String PARAMS = "params_";
    private static final String VALUES = "values_";

    /** What the CSV holds: the trials to import, and how many rows were skipped for their state. */
    record Read(List<TrialImports.Imported> trials, int skipped) {
    }

    private final ExperimentSpec spec;
    private final List<String> header;
    private final Map<String, Integer> params = new LinkedHashMap<>();
    private final Map<String, Integer> objectives = new LinkedHashMap<>();

    private CsvTrials(ExperimentSpec spec, List<String> header) {
        this.spec = spec;
        this.header = header;
    }

    static Read read(ExperimentSpec spec, String text) {
        List<CsvRows.Row> rows = CsvRows.parse(text == null ? "" : text);
        if (rows.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "the CSV is empty; send a header row (params_NAME, values_METRIC, "
                    + "state columns, as GET …/trials.csv writes them) and one row per trial");
        }
        if (rows.size() - 1 > MAX_ROWS) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "the CSV has " + (rows.size() - 1) + " rows; at most " + MAX_ROWS
                    + " may be imported at once: split the file");
        }
        var reader = new CsvTrials(spec, rows.getFirst().cells());
        reader.readHeader();
        var trials = new ArrayList<TrialImports.Imported>();
        int skipped = 0;
        for (int r = 1; r < rows.size(); r++) {
            TrialImports.Imported t = reader.row(r, rows.get(r).cells());
            if (t == null) {
                skipped++;
            } else {
                trials.add(t);
            }
        }
        return new Read(trials, skipped);
    }

    private void readHeader() {
        SearchSpace space = spec.space();
        var seen = new HashMap<String, Integer>();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i).strip();
            Integer first = seen.putIfAbsent(column, i);
            if (first != null && (column.startsWith(PARAMS) || column.startsWith(VALUES) || column.equals("state"))) {
                // Which of the two would be read is not the writer's to guess.
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "header, column " + column + ": it is column " + (first + 1)
                        + " and column " + (i + 1) + "; keep one", Map.of("column", column));
            }
            if (column.startsWith(PARAMS + SearchSpace.RESERVED)) {
                continue; // a population-based training lineage the export carries: it was that experiment's own
            }
            if (column.startsWith(PARAMS)) {
                String name = column.substring(PARAMS.length());
                if (space.get(name) == null) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "header, column " + column + ": param \"" + name
                            + "\" is not in the search space; its params are " + space.names() + " (drop the column)",
                            Map.of("column", column));
                }
                params.put(name, i);
            } else if (column.startsWith(VALUES)) {
                String metric = column.substring(VALUES.length());
                if (spec.objectives().stream().anyMatch(o -> o.metric().equals(metric))) {
                    objectives.put(metric, i);
                }
            }
        }
        for (Objective o : spec.objectives()) {
            if (!objectives.containsKey(o.metric())) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "header: no column " + VALUES + o.metric() + " for objective \""
                        + o.metric() + "\"; the header has " + header, Map.of("column", VALUES + o.metric()));
            }
        }
    }

    /** The trial of data row {@code r}, or null when its state is skipped. */
    private TrialImports.Imported row(int r, List<String> cells) {
        if (cells.size() != header.size()) {
            throw error(r, null, "has " + cells.size() + " cells, the header " + header.size() + "; quote a cell that holds a comma");
        }
        TrialState state = state(r, cells);
        if (state == null) {
            return null;
        }
        var out = new LinkedHashMap<String, Object>();
        SearchSpace space = spec.space();
        for (var e : space.params().entrySet()) {
            String name = e.getKey();
            Integer column = params.get(name);
            String cell = column == null ? "" : cells.get(column).strip();
            boolean active = space.isActive(name, out);
            if (!active && !cell.isEmpty()) {
                throw error(r, PARAMS + name, "param \"" + name + "\" is inactive for this row's values (it applies only when "
                        + Json.write(e.getValue().when()) + "); leave the cell empty");
            }
            if (active && cell.isEmpty()) {
                throw error(r, PARAMS + name, "param \"" + name + "\" is active but has no value; give one");
            }
            if (active) {
                out.put(name, value(r, name, e.getValue(), cell));
            }
        }
        var values = new LinkedHashMap<String, Double>();
        for (var o : objectives.entrySet()) {
            String cell = cells.get(o.getValue()).strip();
            if (cell.isEmpty()) {
                if (state == TrialState.COMPLETE) {
                    throw error(r, VALUES + o.getKey(), "a COMPLETE row needs a value for objective \"" + o.getKey()
                            + "\" (or state PRUNED or FAILED)");
                }
                continue;
            }
            double v = number(r, VALUES + o.getKey(), cell, "a finite number");
            if (state != TrialState.FAILED) {
                values.put(o.getKey(), v);
            }
        }
        String error = cell(cells, "error");
        if (error != null && error.length() > Results.MAX_ERROR_CHARS) {
            throw error(r, "error", "is " + error.length() + " characters; at most " + Results.MAX_ERROR_CHARS + " are kept");
        }
        if (state == TrialState.FAILED && error == null) {
            error = "imported as FAILED";
        }
        return new TrialImports.Imported(out, state, values, List.of(), Map.of(), state == TrialState.FAILED ? error : null,
                Map.of("from", "csv", "row", r), instant(r, cells, "started"), instant(r, cells, "finished"));
    }

    private TrialState state(int r, List<String> cells) {
        String cell = cell(cells, "state");
        if (cell == null) {
            return TrialState.COMPLETE;
        }
        TrialState state;
        try {
            state = TrialState.valueOf(cell.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw error(r, "state", "\"" + cell + "\" is not a trial state; use COMPLETE, PRUNED or FAILED");
        }
        return switch (state) {
            case COMPLETE, PRUNED, FAILED -> state;
            default -> null; // not finished here: nothing to learn from yet
        };
    }

    private static Object value(int r, String name, Param param, String cell) {
        Object raw = switch (param) {
            case CategoricalParam c -> choice(c, cell);
            default -> number(r, PARAMS + name, cell, "a number");
        };
        try {
            return param.coerce(raw);
        } catch (TunelabException ex) {
            throw error(r, PARAMS + name, ex.getMessage());
        }
    }

    /** The choice written as {@code cell} (choices are written with {@code toString}), else the cell itself. */
    private static Object choice(CategoricalParam c, String cell) {
        for (Object choice : c.choices()) {
            if (String.valueOf(choice).equals(cell)) {
                return choice;
            }
        }
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException ex) {
            return cell;
        }
    }

    private static double number(int r, String column, String cell, String expected) {
        try {
            double v = Double.parseDouble(cell);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ex) {
            // answered below
        }
        throw error(r, column, "\"" + cell + "\" is not " + expected);
    }

    private Instant instant(int r, List<String> cells, String column) {
        String cell = cell(cells, column);
        try {
            return cell == null ? null : Instant.parse(cell);
        } catch (DateTimeParseException ex) {
            throw error(r, column, "\"" + cell + "\" is not an ISO-8601 instant, as 2026-01-31T12:00:00Z; leave it empty if unknown");
        }
    }

    /** The stripped cell of a named column, or null when there is no such column or the cell is empty. */
    private String cell(List<String> cells, String column) {
        int i = header.indexOf(column);
        if (i < 0) {
            return null;
        }
        String cell = cells.get(i).strip();
        return cell.isEmpty() ? null : cell;
    }

    private static TunelabException error(int r, String column, String message) {
        return TunelabException.of(ErrorCode.INVALID_VALUE, "row " + r + (column == null ? "" : ", column " + column) + ": "
                + message, column == null ? Map.of("row", r) : Map.of("row", r, "column", column));
    }
}
