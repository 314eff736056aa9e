package io.tunelab.server.experiment;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The export table: its columns, its cells, RFC 4180 quoting, the JSON rows, and 10,000 trials. */
class TrialExportTest {
    static final ExperimentSpec SPEC = ExperimentSpec.builder("export")
            .minimize("loss")
            .param("optimizer", CategoricalParam.of("adam", "sgd", "rmsprop"))
            .param("momentum", FloatParam.of(0, 0.99).withWhen(Condition.of("optimizer", "sgd")))
            .param("unreached", FloatParam.of(0, 1).withWhen(Condition.of("optimizer", "rmsprop")))
            .build();
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    static Trial trial(int number, Map<String, Object> params, TrialState state, Map<String, Double> values,
                       Map<String, Statistics> statistics, String error) {
        return new Trial(100 + number, 7, number, params, state, values, null, statistics, null, T0,
                state == TrialState.WAITING ? null : T0, state.isFinished() ? T0.plusMillis(1500) : null,
                state == TrialState.WAITING ? null : "host:1", error, null, null);
    }

    static Map<String, Object> params(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final List<Trial> TRIALS = List.of(
            trial(1, params("optimizer", "adam", "batch", 32), TrialState.COMPLETE, Map.of("loss", 0.25, "accuracy", 0.9),
                    Map.of("loss", new Statistics(3, 0.25, 0.05, 0.13, 0.37)), null),
            trial(2, params("optimizer", "sgd", "momentum", 0.5), TrialState.FAILED, Map.of(),
                    Map.of(), "bad \"input\", line 2\nand more"),
            trial(3, params("optimizer", "adam"), TrialState.WAITING, Map.of(), Map.of(), null));

    static String csv(TrialExport export) throws IOException {
        var out = new ByteArrayOutputStream();
        export.write(ExportFormat.CSV, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void columnsAreTheUnionOfParamsAndMetricsWithTheirStatistics() {
        TrialExport export = TrialExport.of(SPEC, TRIALS);
        assertThat(export.columns()).containsExactly("number", "id", "state",
                "params_optimizer", "params_momentum", "params_batch",
                "values_loss", "values_accuracy",
                "stats_loss_n", "stats_loss_mean", "stats_loss_std", "stats_loss_ci_low", "stats_loss_ci_high",
                "stats_accuracy_n", "stats_accuracy_mean", "stats_accuracy_std", "stats_accuracy_ci_low", "stats_accuracy_ci_high",
                "started", "finished", "duration_seconds", "worker", "error");
        assertThat(export.rows()).isEqualTo(3);
        assertThat(export.fileName(ExportFormat.CSV)).isEqualTo("export-trials.csv");
    }

    @Test
    void csvHasOneRowPerTrialWithEmptyCellsAndQuotedFieldsAndCrlf() throws IOException {
        String csv = csv(TrialExport.of(SPEC, TRIALS));
        assertThat(csv).endsWith("\r\n");
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[1]).isEqualTo("1,101,COMPLETE,adam,,32,0.25,0.9,3,0.25,0.05,0.13,0.37,,,,,,"
                + "2026-01-02T03:04:05Z,2026-01-02T03:04:06.500Z,1.5,host:1,");
        assertThat(lines[2]).isEqualTo("2,102,FAILED,sgd,0.5,,,,,,,,,,,,,,"
                + "2026-01-02T03:04:05Z,2026-01-02T03:04:06.500Z,1.5,host:1,\"bad \"\"input\"\", line 2\nand more\"");
        assertThat(lines[3]).isEqualTo("3,103,WAITING,adam,,,,,,,,,,,,,,,,,,,");
    }

    @Test
    void fieldsAreQuotedOnlyWhenTheyMustBe() {
        assertThat(TrialExport.csvField(null)).isEmpty();
        assertThat(TrialExport.csvField("plain text")).isEqualTo("plain text");
        assertThat(TrialExport.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(TrialExport.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(TrialExport.csvField("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
        assertThat(TrialExport.csvField(true)).isEqualTo("true");
    }

    @Test
    void jsonRowsHaveTheSameColumnsWithTypedValues() throws IOException {
        TrialExport export = TrialExport.of(SPEC, TRIALS);
        var out = new ByteArrayOutputStream();
        export.write(ExportFormat.JSON, out);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = Json.read(out.toString(StandardCharsets.UTF_8), List.class);
        assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.keySet()).containsExactlyElementsOf(export.columns()));
        assertThat(rows.getFirst()).containsEntry("number", 1).containsEntry("params_batch", 32)
                .containsEntry("values_loss", 0.25).containsEntry("stats_loss_n", 3).containsEntry("params_momentum", null)
                .containsEntry("duration_seconds", 1.5);
        assertThat(rows.get(1)).containsEntry("error", "bad \"input\", line 2\nand more").containsEntry("state", "FAILED");
    }

    @Test
    void anExperimentWithoutTrialsIsTheHeaderAlone() throws IOException {
        assertThat(csv(TrialExport.of(SPEC, List.of()))).isEqualTo("number,id,state,values_loss,stats_loss_n,stats_loss_mean,"
                + "stats_loss_std,stats_loss_ci_low,stats_loss_ci_high,started,finished,duration_seconds,worker,error\r\n");
    }

    @Test
    void tenThousandTrialsAreWrittenRowByRow() throws IOException {
        var trials = new ArrayList<Trial>();
        for (int i = 1; i <= 10_000; i++) {
            trials.add(trial(i, params("optimizer", i % 2 == 0 ? "sgd" : "adam"), TrialState.COMPLETE, Map.of("loss", 1.0 / i), Map.of(), null));
        }
        var lines = new CountingStream();
        TrialExport.of(SPEC, trials).write(ExportFormat.CSV, lines);
        assertThat(lines.lines).isEqualTo(10_001);
    }

    /** Counts line ends and keeps nothing. */
    static final class CountingStream extends OutputStream {
        int lines;

        @Override
        public void write(int b) {
            if (b == '\n') {
                lines++;
            }
        }
    }

    @Test
    void withConstraintsEachFinishedTrialSaysWhetherItKeepsThemAndByHowMuchItMisses() throws IOException {
        var spec = ExperimentSpec.builder("export").minimize("loss")
                .constraints(io.tunelab.api.Constraint.atLeast("accuracy", 0.875)).build();
        String csv = csv(TrialExport.of(spec, List.of(
                trial(1, params("optimizer", "adam"), TrialState.COMPLETE, Map.of("loss", 0.25, "accuracy", 0.75), Map.of(), null),
                trial(2, params("optimizer", "sgd"), TrialState.COMPLETE, Map.of("loss", 0.3, "accuracy", 0.97), Map.of(), null),
                trial(3, params("optimizer", "sgd"), TrialState.COMPLETE, Map.of("loss", 0.2), Map.of(), null),
                trial(4, params("optimizer", "adam"), TrialState.WAITING, Map.of(), Map.of(), null))));
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).startsWith("number,id,state,feasible,violation,params_optimizer,");
        assertThat(lines.get(1)).startsWith("1,101,COMPLETE,false,0.125,");
        assertThat(lines.get(2)).startsWith("2,102,COMPLETE,true,0.0,");
        assertThat(lines.get(3)).startsWith("3,103,COMPLETE,false,,");
        assertThat(lines.get(4)).startsWith("4,104,WAITING,,,");
        assertThat(csv(TrialExport.of(SPEC, TRIALS)).lines().findFirst().orElseThrow()).doesNotContain("feasible");
    }
}
