package io.tunelab.worker.train;

import io.tunelab.api.Direction;
import io.tunelab.api.Repetition;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.Imbalance;
import io.tunelab.worker.data.Preprocessor;
import io.tunelab.worker.data.Splits;
import io.tunelab.worker.runner.RepetitionPlan;
import io.tunelab.worker.runner.RunOutcome.Status;
import io.tunelab.worker.runner.Signal;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs a task's configuration on a dataset: R repetitions (seeds, or the k folds) trained in
 * lockstep, one epoch of each per step, so that after every epoch one report carries the
 * mean over the repetitions and a PRUNE decision stops them all at once. Each repetition
 * fits its preprocessing on its own training rows only, trains with early stopping on its
 * validation metric, and keeps the weights of its best epoch.
 *
 * <p>One instance per trial, on one thread. ND4J work is single-threaded when the process
 * runs with {@code OMP_NUM_THREADS=1}.
 */
public final class TaskRun {
    /** What a run tells its caller as it goes, and how the caller steers it. */
    public interface Listener {
        /**
         * After each epoch: the mean over the repetitions of the metric (best so far per
         * repetition) and of the training loss. May deliver asynchronously: a PRUNE answer
         * takes effect through {@link #signal()}, at the next minibatch.
         */
        void epoch(int epoch, Map<String, Double> values);

        /** Checked between minibatches and after each epoch. */
        Signal signal();
    }

    /**
     * What became of the run: the repetitions with their final values (complete runs), the
     * last report (pruned runs), the model of the first repetition, the seeds used, and the
     * seconds spent preprocessing, training and evaluating (the rest of a trial's time is the
     * worker's overhead: data loading, reports, upload), and per repetition what its fitted
     * preprocessing did ({@code preprocessing} in the trial's provenance).
     */
    public record Outcome(Status status, List<Repetition> repetitions, Map<String, Double> lastReport, ModelBundle model,
                          List<Long> seeds, double trainingSeconds, List<Map<String, Object>> preprocessing) {
    }

    private final TaskSpec task;
    private final Map<String, Object> taskMap;
    private final Dataset data;
    private final String metric;
    private final Direction direction;
    /** The checkpoint every repetition's network starts from (population-based training), or null. */
    private Checkpoint start;

    /**
     * @param taskMap  the task with the trial's params applied, saved with the model
     * @param metric   the metric early stopping watches and reports carry
     */
    public TaskRun(TaskSpec task, Map<String, Object> taskMap, Dataset data, String metric, Direction direction) {
        List<String> known = data.isClassification() ? Metrics.CLASSIFICATION : Metrics.REGRESSION;
        if (!known.contains(metric)) {
            throw TunelabException.invalidSpec("metric \"" + metric + "\" is not a " + data.encoding().type().wire()
                    + " metric; choose one of " + String.join(", ", known));
        }
        if (metric.equals("roc_auc") && data.classes() != 2) {
            throw TunelabException.invalidSpec("metric roc_auc needs two classes, but the target has " + data.classes());
        }
        TaskCheck.check(task, data);
        this.task = task;
        this.taskMap = Map.copyOf(taskMap);
        this.data = data;
        this.metric = metric;
        this.direction = direction;
    }

    /**
     * Starts every repetition's network of {@link #run} from a checkpoint's weights (and updater
     * state) instead of fresh ones; refits still start afresh. Returns this run.
     */
    public TaskRun startingFrom(Checkpoint checkpoint) {
        this.start = checkpoint;
        return this;
    }

    /** Runs every repetition: with k folds their number is k, else {@code repetitions}. */
    public Outcome run(int repetitions, long experimentSeed, Listener listener) {
        var all = java.util.stream.IntStream.range(0, RepetitionPlan.count(task.dataset().validation(), repetitions)).boxed().toList();
        return run(RepetitionPlan.of(data, task.dataset().validation(), all, experimentSeed), listener);
    }

    /** Runs some repetitions, in lockstep. */
    public Outcome run(List<RepetitionPlan> plans, Listener listener) {
        List<Fold> folds = plans.stream().map(p -> new Fold(p.split(), p.seed(), p.index())).toList();
        var seeds = folds.stream().map(f -> f.seed).toList();
        var fitted = folds.stream().map(f -> f.described).toList();
        Map<String, Double> last = Map.of();
        int epochs = task.training().epochs();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (Fold f : folds) {
                if (!f.stopped && !f.trainEpoch(listener)) {
                    break;
                }
            }
            Signal signal = listener.signal();
            if (signal != Signal.GO) {
                Status status = signal == Signal.PRUNE ? Status.PRUNED : Status.CANCELLED;
                return new Outcome(status, List.of(), last, null, seeds, trainingSeconds(folds), fitted);
            }
            last = meanReport(folds);
            listener.epoch(epoch, last);
            if (folds.stream().allMatch(f -> f.stopped)) {
                break;
            }
        }
        Signal signal = listener.signal();
        if (signal == Signal.ABANDON) {
            return new Outcome(Status.CANCELLED, List.of(), last, null, seeds, trainingSeconds(folds), fitted);
        }
        var result = new ArrayList<Repetition>();
        for (int r = 0; r < folds.size(); r++) {
            Fold f = folds.get(r);
            var values = new LinkedHashMap<>(f.bestValues);
            values.put(Metrics.EPOCHS, (double) f.epochs);
            values.put(Metrics.BEST_EPOCH, (double) f.bestEpoch);
            values.put(Metrics.WALL_TIME, f.nanos / 1e9);
            result.add(new Repetition(f.index, f.seed, values));
        }
        Fold first = folds.getFirst();
        first.restoreBest();
        var model = new ModelBundle(new ModelBundle.Meta(ModelBundle.FORMAT, ModelBundle.kind(first.net), data.encoding(),
                first.preprocessor, first.targetCenter, first.targetScale, taskMap, Map.of()), first.net);
        return new Outcome(Status.COMPLETE, result, last, model, seeds, trainingSeconds(folds), fitted);
    }

    /**
     * The finalization of a configuration: one network trained on {@code split.train()} (every
     * row outside the test split) for exactly {@code epochs} epochs, with no early stopping and
     * no choice of epoch, since either would peek at the test rows; then scored once on
     * {@code split.validation()}, the test rows. The outcome's single repetition holds the test
     * values, its model is the refit network with preprocessing fitted on the same rows.
     */
    public Outcome refit(Splits.Split split, int epochs, long seed, Listener listener) {
        Fold fold = new Fold(split, seed, 0, true);
        for (int epoch = 1; epoch <= epochs && !fold.stopped; epoch++) {
            if (!fold.trainEpoch(listener) || listener.signal() == Signal.ABANDON) {
                return new Outcome(Status.CANCELLED, List.of(), Map.of(), null, List.of(seed), trainingSeconds(List.of(fold)),
                        List.of(fold.described));
            }
        }
        var values = new LinkedHashMap<>(fold.evaluate());
        values.put(Metrics.EPOCHS, (double) fold.epochs);
        values.put(Metrics.WALL_TIME, fold.nanos / 1e9);
        var model = new ModelBundle(new ModelBundle.Meta(ModelBundle.FORMAT, ModelBundle.kind(fold.net), data.encoding(),
                fold.preprocessor, fold.targetCenter, fold.targetScale, taskMap, Map.of()), fold.net);
        return new Outcome(Status.COMPLETE, List.of(new Repetition(0, seed, values)), values, model, List.of(seed),
                trainingSeconds(List.of(fold)), List.of(fold.described));
    }

    private static double trainingSeconds(List<Fold> folds) {
        return folds.stream().mapToLong(f -> f.nanos).sum() / 1e9;
    }

    private Map<String, Double> meanReport(List<Fold> folds) {
        double m = 0;
        double loss = 0;
        for (Fold f : folds) {
            m += f.bestValues.get(metric);
            loss += f.lastLoss;
        }
        var values = new LinkedHashMap<String, Double>();
        values.put(metric, m / folds.size());
        values.put(Metrics.TRAIN_LOSS, loss / folds.size());
        return values;
    }

    private boolean better(double candidate, double best) {
        double minDelta = task.training().minDelta();
        return direction == Direction.MAXIMIZE ? candidate > best + minDelta : candidate < best - minDelta;
    }

    /** One repetition: its split, fitted preprocessing, network and early-stopping state. */
    private final class Fold {
        final long seed;
        final int index;
        final Preprocessor preprocessor;
        final double targetCenter;
        final double targetScale;
        final INDArray xTrain;
        final INDArray yTrain;
        final INDArray xValidation;
        final double[] yValidation;
        final Network net;
        final Random random;
        final Map<String, Object> described;
        Map<String, Double> bestValues;
        INDArray bestParams;
        double lastLoss = Double.NaN;
        int epochs;
        int bestEpoch;
        int sinceBest;
        /** A refit trains blind: its validation rows are test rows, which must not steer training. */
        final boolean refit;
        boolean stopped;
        /** Time spent on this repetition: fitting its preprocessing, building, training and evaluating its network. */
        long nanos;

        Fold(Splits.Split split, long seed, int index) {
            this(split, seed, index, false);
        }

        Fold(Splits.Split split, long seed, int index, boolean refit) {
            long started = System.nanoTime();
            this.seed = seed;
            this.index = index;
            this.refit = refit;
            this.random = new Random(seed);
            var fit = Preprocessor.fit(task.preprocessing(), data, split.train());
            this.preprocessor = fit.preprocessor();
            int[] trainRows = Arrays.stream(fit.kept()).map(i -> split.train()[i]).toArray();
            this.described = new LinkedHashMap<>(preprocessor.describe(data.width(), data.encoding().inputNames()));
            described.put("training_rows", trainRows.length);
            double[] classWeights = null;
            if (data.isClassification()) {
                if (task.training().oversampling().equals("random")) {
                    trainRows = Imbalance.oversample(trainRows, data.targets(trainRows), data.classes(), random);
                    described.put("oversampled_rows", trainRows.length);
                }
                if (task.training().classWeights().equals("balanced")) {
                    classWeights = Imbalance.balancedWeights(data.targets(trainRows), data.classes());
                    described.put("class_weights", Arrays.stream(classWeights).boxed().toList());
                }
            }
            double[][] xt = preprocessor.transform(data.rows(trainRows));
            double[] yt = data.targets(trainRows);
            this.xValidation = matrix(preprocessor.transform(data.rows(split.validation())));
            this.yValidation = data.targets(split.validation());
            this.xTrain = matrix(xt);
            int outputs;
            if (data.isClassification()) {
                targetCenter = 0;
                targetScale = 1;
                outputs = data.classes();
                double[][] oneHot = new double[yt.length][outputs];
                for (int i = 0; i < yt.length; i++) {
                    oneHot[i][(int) yt[i]] = 1;
                }
                yTrain = matrix(oneHot);
            } else {
                // Regression learns a standardised target (fitted on the training rows), so one
                // learning rate suits targets of any scale.
                double mean = Arrays.stream(yt).average().orElse(0);
                double var = Arrays.stream(yt).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, yt.length - 1);
                targetCenter = mean;
                targetScale = var > 1e-24 ? Math.sqrt(var) : 1;
                outputs = 1;
                double[][] scaled = new double[yt.length][1];
                for (int i = 0; i < yt.length; i++) {
                    scaled[i][0] = (yt[i] - targetCenter) / targetScale;
                }
                yTrain = matrix(scaled);
            }
            int iterations = (int) Math.ceil((double) xTrain.rows() / Math.min(task.training().batchSize(), xTrain.rows()));
            var shape = new Networks.Shape((int) xTrain.columns(), task.dataset().shape(), outputs, data.isClassification(),
                    classWeights);
            this.net = Networks.build(task.model(), task.training(), shape, seed, iterations);
            if (start != null && !refit) {
                start.restoreInto(net);
            }
            this.bestValues = refit ? Map.of() : new LinkedHashMap<>(evaluate());
            this.bestParams = refit ? null : net.params().dup();
            this.nanos = System.nanoTime() - started;
        }

        /** One pass over the training rows in a fresh order; false when the listener says stop. */
        boolean trainEpoch(Listener listener) {
            long started = System.nanoTime();
            int n = (int) xTrain.rows();
            int[] order = shuffled(n);
            int batch = Math.min(task.training().batchSize(), n);
            double lossSum = 0;
            int batches = 0;
            // One native gather per epoch, then contiguous row views: far cheaper than gathering per batch.
            INDArray xs = Nd4j.pullRows(xTrain, 1, order);
            INDArray ys = Nd4j.pullRows(yTrain, 1, order);
            for (int from = 0; from < n; from += batch) {
                if (listener.signal() != Signal.GO) {
                    return false;
                }
                var rows = NDArrayIndex.interval(from, Math.min(n, from + batch));
                net.fit(xs.get(rows, NDArrayIndex.all()), ys.get(rows, NDArrayIndex.all()));
                lossSum += net.score();
                batches++;
            }
            lastLoss = lossSum / batches;
            epochs++;
            if (!Double.isFinite(lastLoss)) {
                stopped = true;
            } else if (!refit) {
                Map<String, Double> values = evaluate();
                if (epochs == 1 || better(values.get(metric), bestValues.get(metric))) {
                    bestValues = new LinkedHashMap<>(values);
                    bestParams = net.params().dup();
                    bestEpoch = epochs;
                    sinceBest = 0;
                } else if (task.training().patience() > 0 && ++sinceBest >= task.training().patience()) {
                    stopped = true;
                }
            }
            nanos += System.nanoTime() - started;
            return true;
        }

        Map<String, Double> evaluate() {
            double[][] out = net.output(xValidation).castTo(DataType.DOUBLE).toDoubleMatrix();
            if (data.isClassification()) {
                for (double[] row : out) {
                    if (!Double.isFinite(row[0])) {
                        // A diverged network scores as a uniform guess rather than NaN, which no server accepts.
                        Arrays.fill(row, 1.0 / row.length);
                    }
                }
                return Metrics.classification(out, yValidation);
            }
            double[] predicted = new double[out.length];
            for (int i = 0; i < out.length; i++) {
                predicted[i] = Double.isFinite(out[i][0]) ? out[i][0] * targetScale + targetCenter : Double.MAX_VALUE / 1e10;
            }
            return Metrics.regression(predicted, yValidation);
        }

        void restoreBest() {
            if (bestParams != null) {
                net.setParams(bestParams);
            }
        }

        private int[] shuffled(int n) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return order;
        }
    }

    private static INDArray matrix(double[][] x) {
        return Nd4j.create(x).castTo(DataType.FLOAT);
    }
}
