package io.tunelab.server.experiment;

import io.tunelab.api.Constraint;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.MetricNames;
import io.tunelab.api.Objective;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.RankingPolicy;
import io.tunelab.server.analysis.RepetitionStatistics;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a told result or a report must hold to be accepted, and the finished trial a result
 * makes: its values (the repetitions' means when none are given) and statistics, whose
 * intervals are corrected for what the repetitions are (cross-validation folds share training
 * rows) and cut to the metric's range. Pure.
 */
final class Results {
    private Results() {
    }

    /** The longest error a result may carry: the column that stores it holds this many characters. */
    static final int MAX_ERROR_CHARS = 4000;

    /** The trial finished by {@code result}, or an INVALID_VALUE error that says what is missing. */
    static Trial finished(Trial t, TrialResult result, ExperimentSpec spec, Instant now, String toldBy) {
        if (result.state() == null) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a result needs a state, and this one has none; send \"state\": "
                    + "\"COMPLETE\" with its values, \"PRUNED\" or \"FAILED\"", Map.of("field", "state"));
        }
        if (!result.state().isFinished() || result.state() == TrialState.RACED_OUT) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "state must be COMPLETE, PRUNED or FAILED, got " + result.state());
        }
        for (String key : Transitions.SERVER_RECORDED) {
            if (result.provenance().containsKey(key)) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "provenance key \"" + key + "\" is recorded by the server alone ("
                        + String.join(", ", Transitions.SERVER_RECORDED) + "); leave it out of the result's provenance",
                        Map.of("field", "provenance." + key));
            }
        }
        Map<String, Double> values = checkValues(result.values(), spec, "values");
        var indices = new java.util.HashMap<Integer, Integer>();
        for (int i = 0; i < result.repetitions().size(); i++) {
            checkFinite(result.repetitions().get(i).values(), "repetitions[" + i + "].values");
            Integer index = result.repetitions().get(i).index();
            if (index != null && index < 0) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "repetitions[" + i + "].index must be 0 or more (the fold or "
                        + "repetition it is), got " + index);
            }
            Integer earlier = index == null ? null : indices.putIfAbsent(index, i);
            if (earlier != null) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "repetitions[" + i + "].index is " + index + ", as repetitions["
                        + earlier + "].index is; each repetition of a result has its own index (repetitions are paired by it)");
            }
        }
        Map<String, Statistics> statistics = RepetitionStatistics.of(result.repetitions(), RankingPolicy.ofStored(spec).kindOf(t));
        if (result.state() == TrialState.COMPLETE) {
            checkAgainstRepetitions(result, values, statistics, spec);
        }
        if (values.isEmpty() && !statistics.isEmpty()) {
            var means = new LinkedHashMap<String, Double>();
            for (Objective o : spec.objectives()) {
                Statistics s = statistics.get(o.metric());
                if (s != null) {
                    means.put(o.metric(), s.mean());
                }
            }
            values = means;
        }
        values = withConstrainedMeans(values, statistics, spec);
        if (result.state() == TrialState.COMPLETE) {
            for (Objective o : spec.objectives()) {
                if (!values.containsKey(o.metric())) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "a COMPLETE result needs a value for objective metric \""
                            + o.metric() + "\"; it has " + values.keySet(), Map.of("metric", o.metric()));
                }
            }
        }
        if (result.state() == TrialState.FAILED && (result.error() == null || result.error().isBlank())) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a FAILED result needs an error that says why");
        }
        if (result.error() != null && result.error().length() > MAX_ERROR_CHARS) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "error must be at most " + MAX_ERROR_CHARS + " characters, got "
                    + result.error().length() + "; keep the reason short and put long logs elsewhere");
        }
        return Transitions.finished(t, result.state(), values, result.repetitions(), statistics, result.error(),
                result.provenance(), now, toldBy);
    }

    /**
     * Refuses a COMPLETE result whose repetitions do not each measure every objective, or whose
     * told value of a metric is not its repetitions' mean: with repetitions a trial's value is
     * their mean, and a value beside them that says otherwise would rank the trial by a number
     * its own evidence contradicts (its statistics would say one thing, its value another).
     */
    private static void checkAgainstRepetitions(TrialResult result, Map<String, Double> values, Map<String, Statistics> statistics,
                                                ExperimentSpec spec) {
        var repetitions = result.repetitions();
        for (int i = 0; i < repetitions.size(); i++) {
            for (Objective o : spec.objectives()) {
                if (!repetitions.get(i).values().containsKey(o.metric())) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "repetitions[" + i + "] has no value for objective metric \""
                            + o.metric() + "\"; every repetition of a COMPLETE result measures each objective (it has "
                            + repetitions.get(i).values().keySet() + ")", Map.of("metric", o.metric()));
                }
            }
        }
        values.forEach((metric, value) -> {
            Statistics s = statistics.get(metric);
            if (s != null && Math.abs(value - s.mean()) > 1e-9 * Math.max(1, Math.abs(s.mean()))) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "values." + metric + " is " + value + ", but the mean of its "
                        + s.n() + " repetitions is " + s.mean() + "; with repetitions a trial's value is their mean: send that, "
                        + "or leave values out", Map.of("metric", metric));
            }
        });
    }

    /** Refuses a report without a step, without values, or with a value that is not a finite number. */
    static void checkReport(ReportRequest request) {
        if (request.step() == null) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a report needs its step (the epoch or iteration it is at), 0 or more");
        }
        if (request.step() < 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "step must be 0 or more, got " + request.step());
        }
        if (request.values().isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "values must hold at least one metric, as {\"loss\": 0.4}");
        }
        checkFinite(request.values(), "values");
    }

    /**
     * The values with the repetitions' mean of each constrained metric they lack: a trial is
     * held to its constraints by the metric's value, told or measured over its repetitions.
     */
    private static Map<String, Double> withConstrainedMeans(Map<String, Double> values, Map<String, Statistics> statistics,
                                                            ExperimentSpec spec) {
        Map<String, Double> out = values;
        for (Constraint c : spec.constraints()) {
            Statistics s = statistics.get(c.metric());
            if (!values.containsKey(c.metric()) && s != null) {
                out = out == values ? new LinkedHashMap<>(values) : out;
                out.put(c.metric(), s.mean());
            }
        }
        return out;
    }

    static Map<String, Double> checkValues(Map<String, Double> values, ExperimentSpec spec, String where) {
        checkFinite(values, where);
        for (String metric : values.keySet()) {
            if (spec.objectives().stream().noneMatch(o -> o.metric().equals(metric))
                    && spec.constraints().stream().noneMatch(c -> c.metric().equals(metric))) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, where + " names metric \"" + metric
                        + "\", which is not an objective of this experiment; objectives: "
                        + spec.objectives().stream().map(Objective::metric).toList()
                        + (spec.constraints().isEmpty() ? "" : ", constrained metrics: "
                        + spec.constraints().stream().map(Constraint::metric).toList())
                        + " (other metrics go in repetitions)", Map.of("metric", metric));
            }
        }
        return values;
    }

    private static void checkFinite(Map<String, Double> values, String where) {
        MetricNames.check(values, where);
        for (var v : values.entrySet()) {
            if (v.getValue() == null || !Double.isFinite(v.getValue())) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, where + "." + v.getKey() + " is " + v.getValue()
                        + "; values must be finite numbers (report a FAILED result instead)", Map.of("metric", v.getKey()));
            }
        }
    }
}
