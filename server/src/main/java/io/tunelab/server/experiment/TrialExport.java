package io.tunelab.server.experiment;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tunelab.api.Constraint;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.TreeSet;

/**
 * An experiment's trials as one table, a row per trial in number order, ready for
 * {@code pandas.read_csv} or a spreadsheet. The columns:
 * {@code number, id, state}; with constraints, {@code feasible} and {@code violation} of each
 * complete or raced-out trial (violation empty when a constrained metric is missing); {@code params_NAME} for every param any trial has (the search
 * space's order, then define-by-run params as they first appear); {@code values_METRIC} for
 * every metric any trial has (the objectives first, then the others by name); for each metric
 * its statistics over the repetitions, {@code stats_METRIC_n}, {@code _mean}, {@code _std},
 * {@code _ci_low}, {@code _ci_high}; then {@code started, finished} (ISO-8601 instants),
 * {@code duration_seconds}, {@code worker} and {@code error}. A cell the trial has no value
 * for is empty in CSV and {@code null} in JSON.
 *
 * <p>Built from a snapshot of the trials (the list, not copies of them); {@link #write} renders
 * one row at a time straight to the stream, so an export needs no memory beyond its buffers.
 * Immutable, so it may be written from any thread.
 */
public final class TrialExport {
    private static final List<String> STATISTICS = List.of("n", "mean", "std", "ci_low", "ci_high");

    private final String experiment;
    private final List<Trial> trials;
    private final List<String> params;
    private final List<String> metrics;
    private final List<Constraint> constraints;

    private TrialExport(String experiment, List<Trial> trials, List<String> params, List<String> metrics,
                        List<Constraint> constraints) {
        this.experiment = experiment;
        this.trials = trials;
        this.params = params;
        this.metrics = metrics;
        this.constraints = constraints;
    }

    /** The export of an experiment's trials, given in number order. */
    static TrialExport of(ExperimentSpec spec, List<Trial> trials) {
        SequencedSet<String> params = new LinkedHashSet<>(spec.space().names());
        SequencedSet<String> metrics = new LinkedHashSet<>();
        spec.objectives().stream().map(Objective::metric).forEach(metrics::add);
        var others = new TreeSet<String>();
        for (Trial t : trials) {
            params.addAll(t.params().keySet());
            others.addAll(t.values().keySet());
            others.addAll(t.statistics().keySet());
        }
        metrics.addAll(others);
        // Only params some trial has: a conditional param no trial reached would be an empty column.
        params.removeIf(p -> trials.stream().noneMatch(t -> t.params().containsKey(p)));
        return new TrialExport(spec.name(), List.copyOf(trials), List.copyOf(params), List.copyOf(metrics), spec.constraints());
    }

    /** A file name for the export: the experiment's name, with only letters, digits, '.', '-' and '_'. */
    public String fileName(ExportFormat format) {
        return fileName(experiment, format);
    }

    /** {@link #fileName(ExportFormat)} of the export of the experiment named {@code experiment}. */
    static String fileName(String experiment, ExportFormat format) {
        return experiment.replaceAll("[^A-Za-z0-9._-]", "_") + "-trials." + format.extension();
    }

    /** The header: every column's name, in order. */
    public List<String> columns() {
        var columns = new ArrayList<>(List.of("number", "id", "state"));
        if (!constraints.isEmpty()) {
            columns.addAll(List.of("feasible", "violation"));
        }
        params.forEach(p -> columns.add("params_" + p));
        metrics.forEach(m -> columns.add("values_" + m));
        for (String m : metrics) {
            STATISTICS.forEach(s -> columns.add("stats_" + m + "_" + s));
        }
        columns.addAll(List.of("started", "finished", "duration_seconds", "worker", "error"));
        return columns;
    }

    /** How many rows: one per trial. */
    public int rows() {
        return trials.size();
    }

    /** Writes every row in {@code format} to {@code out}, then flushes it; does not close it. */
    public void write(ExportFormat format, OutputStream out) throws IOException {
        switch (format) {
            case CSV -> writeCsv(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
            case JSON -> writeJson(out);
        }
    }

    private void writeCsv(Writer out) throws IOException {
        csvLine(out, columns().toArray());
        for (Trial t : trials) {
            csvLine(out, row(t));
        }
        out.flush();
    }

    private static void csvLine(Writer out, Object[] cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(csvField(cells[i]));
        }
        out.write("\r\n");
    }

    /** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
    static String csvField(Object cell) {
        if (cell == null) {
            return "";
        }
        String s = cell.toString();
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private void writeJson(OutputStream out) throws IOException {
        List<String> columns = columns();
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartArray();
            for (Trial t : trials) {
                Object[] row = row(t);
                json.writeStartObject();
                for (int i = 0; i < row.length; i++) {
                    json.writeFieldName(columns.get(i));
                    json.writeObject(row[i]);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        out.flush();
    }

    /** One trial's cells, in the order of {@link #columns()}: numbers, strings, booleans or null. */
    private Object[] row(Trial t) {
        int feasibility = constraints.isEmpty() ? 0 : 2;
        Object[] row = new Object[3 + feasibility + params.size() + metrics.size() * (1 + STATISTICS.size()) + 5];
        int i = 0;
        row[i++] = t.number();
        row[i++] = t.id();
        row[i++] = t.state().name();
        if (feasibility > 0) {
            boolean held = t.state() == TrialState.COMPLETE || t.state() == TrialState.RACED_OUT;
            double violation = held ? Constraint.violation(constraints, t.values()) : Double.NaN;
            row[i++] = held ? violation == 0 : null;
            row[i++] = held && Double.isFinite(violation) ? violation : null;
        }
        for (String p : params) {
            row[i++] = t.params().get(p);
        }
        for (String m : metrics) {
            row[i++] = t.value(m);
        }
        for (String m : metrics) {
            Statistics s = t.statistics().get(m);
            List<Object> cells = s == null ? Arrays.asList(new Object[STATISTICS.size()]) : List.of(s.n(), s.mean(), s.std(), s.ciLow(), s.ciHigh());
            for (Object cell : cells) {
                row[i++] = cell;
            }
        }
        row[i++] = t.started() == null ? null : t.started().toString();
        row[i++] = t.finished() == null ? null : t.finished().toString();
        row[i++] = t.durationSeconds();
        row[i++] = t.worker();
        row[i] = t.error();
        return row;
    }
}
