package io.tunelab.worker.tribuo;

import io.tunelab.api.Options;
import io.tunelab.api.Repetition;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.PreprocessingSpec;
import io.tunelab.worker.data.Preprocessor;
import io.tunelab.worker.data.Splits;
import io.tunelab.worker.data.TaskType;
import io.tunelab.worker.runner.RepetitionPlan;
import io.tunelab.worker.runner.RunContext;
import io.tunelab.worker.runner.RunOutcome;
import io.tunelab.worker.runner.RunnerTask;
import io.tunelab.worker.runner.Signal;
import io.tunelab.worker.runner.TaskParams;
import io.tunelab.worker.train.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial of the tribuo runner: {@code dataset}, {@code preprocessing} and {@code metric}
 * read as the dl4j runner reads them, {@code model} and {@code training} as
 * {@link TribuoModelSpec} says. Each repetition fits its preprocessing on its own training
 * rows, fits the model, and is scored on its validation rows with the same metrics as every
 * runner; one report (step 1) carries the mean over the repetitions.
 */
record TribuoTask(DatasetSpec dataset, PreprocessingSpec preprocessing, TribuoModelSpec model, String metric)
        implements RunnerTask {
    static final List<String> SECTIONS = List.of("dataset", "preprocessing", "model", "training");

    /** Parses a task with a trial's params laid over it; bad fields are INVALID_SPEC errors naming the path. */
    static TribuoTask parse(Map<String, Object> task, Map<String, Object> params) {
        if (task == null) {
            throw TunelabException.invalidSpec("the experiment has no task, so a worker cannot run its trials");
        }
        var merged = TaskParams.apply(task, params, SECTIONS);
        merged.remove("runner");
        Object shape = merged.get("dataset") instanceof Map<?, ?> d ? d.get("shape") : null;
        if (shape != null) {
            throw TunelabException.invalidSpec("dataset.shape is read by the dl4j runner's cnn only; the tribuo runner "
                    + "reads rows as they are (leave dataset.shape out)");
        }
        var s = Options.of("", merged);
        if (!s.has("dataset")) {
            throw TunelabException.invalidSpec("task.dataset is required, as dataset: {name: breast_cancer}");
        }
        var spec = new TribuoTask(DatasetSpec.parse(s.section("dataset"), null),
                PreprocessingSpec.parse(s.section("preprocessing")),
                TribuoModelSpec.parse(s.section("model"), s.section("training")),
                s.string("metric", null));
        s.done();
        if (spec.model().family().equals("extra_trees") && spec.dataset().type() == TaskType.REGRESSION) {
            // Measured: Tribuo 4.3's random split points give regression forests worse than predicting the mean.
            throw TunelabException.invalidSpec("model.family extra_trees is for classification only; for a regression "
                    + "use random_forest, cart or linear");
        }
        return spec;
    }

    @Override
    public List<String> reportedMetrics(Dataset data) {
        return Metrics.reported(data);
    }

    @Override
    public RunOutcome run(RunContext context) {
        Dataset data = context.data();
        check(context.metric(), data);
        var repetitions = new ArrayList<Repetition>();
        long nanos = 0;
        TribuoBundle first = null;
        var seeds = new ArrayList<Long>();
        var fitted = new ArrayList<Map<String, Object>>();
        for (RepetitionPlan plan : context.repetitions()) {
            if (context.signal() != Signal.GO) {
                return stopped(context.signal(), Map.of(), nanos);
            }
            long started = System.nanoTime();
            Fit fit = fit(data, plan.split(), plan.seed(), context.savedTask());
            var values = new LinkedHashMap<>(fit.score(data, plan.split().validation()));
            long spent = System.nanoTime() - started;
            nanos += spent;
            values.put(Metrics.EPOCHS, (double) (model.family().equals("linear") ? model.epochs() : 1));
            values.put(Metrics.WALL_TIME, spent / 1e9);
            repetitions.add(new Repetition(plan.index(), plan.seed(), values));
            seeds.add(plan.seed());
            fitted.add(fit.described());
            if (first == null) {
                first = fit.bundle();
            }
        }
        context.provenance("seeds", seeds);
        context.provenance("preprocessing", fitted);
        context.provenance("tribuo_version", org.tribuo.Tribuo.VERSION);
        var report = new LinkedHashMap<String, Double>();
        report.put(context.metric(), repetitions.stream().mapToDouble(r -> r.values().get(context.metric())).average().orElseThrow());
        context.report(1, report);
        Signal signal = context.signal();
        if (signal == Signal.ABANDON) {
            return stopped(signal, report, nanos);
        }
        context.uploadModel(first.write());
        return new RunOutcome(RunOutcome.Status.COMPLETE, repetitions, report, nanos / 1e9);
    }

    @Override
    public RunOutcome refit(RunContext context, Refit refit) {
        Dataset data = context.data();
        check(context.metric(), data);
        long started = System.nanoTime();
        Fit fit = fit(data, refit.split(), refit.seed(), context.savedTask());
        var values = new LinkedHashMap<>(fit.score(data, refit.split().validation()));
        values.put(Metrics.WALL_TIME, (System.nanoTime() - started) / 1e9);
        if (context.signal() == Signal.ABANDON) {
            return stopped(Signal.ABANDON, Map.of(), System.nanoTime() - started);
        }
        context.uploadModel(fit.bundle().write());
        return new RunOutcome(RunOutcome.Status.COMPLETE, List.of(new Repetition(0, refit.seed(), values)), values,
                (System.nanoTime() - started) / 1e9);
    }

    private static RunOutcome stopped(Signal signal, Map<String, Double> last, long nanos) {
        return new RunOutcome(signal == Signal.PRUNE ? RunOutcome.Status.PRUNED : RunOutcome.Status.CANCELLED, List.of(), last,
                nanos / 1e9);
    }

    private static void check(String metric, Dataset data) {
        List<String> known = data.isClassification() ? Metrics.CLASSIFICATION : Metrics.REGRESSION;
        if (!known.contains(metric)) {
            throw TunelabException.invalidSpec("metric \"" + metric + "\" is not a " + data.encoding().type().wire()
                    + " metric; choose one of " + String.join(", ", known));
        }
    }

    /** One fitted repetition: its preprocessing and model, as a bundle, and what the preprocessing did. */
    private record Fit(TribuoBundle bundle, Map<String, Object> described) {
        Map<String, Double> score(Dataset data, int[] rows) {
            var prediction = bundle.predict(data.rows(rows));
            double[] truth = data.targets(rows);
            return prediction.probabilities() != null ? Metrics.classification(prediction.probabilities(), truth)
                    : Metrics.regression(prediction.values(), truth);
        }
    }

    private Fit fit(Dataset data, Splits.Split split, long seed, Map<String, Object> savedTask) {
        var fitted = Preprocessor.fit(preprocessing, data, split.train());
        Preprocessor preprocessor = fitted.preprocessor();
        int[] trainRows = Arrays.stream(fitted.kept()).map(i -> split.train()[i]).toArray();
        var described = new LinkedHashMap<>(preprocessor.describe(data.width(), data.encoding().inputNames()));
        described.put("training_rows", trainRows.length);
        double[][] x = preprocessor.transform(data.rows(trainRows));
        double[] y = data.targets(trainRows);
        var bundle = TribuoBundle.fit(model, data.encoding(), preprocessor, x, y, seed, savedTask);
        return new Fit(bundle, described);
    }
}
