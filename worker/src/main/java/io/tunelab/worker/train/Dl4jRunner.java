package io.tunelab.worker.train;

import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.runner.Lineage;
import io.tunelab.worker.runner.RunContext;
import io.tunelab.worker.runner.RunOutcome;
import io.tunelab.worker.runner.Runner;
import io.tunelab.worker.runner.RunnerTask;
import io.tunelab.worker.runner.Signal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code dl4j} runner: networks trained with Deeplearning4j ({@link TaskSpec} is its task,
 * {@link TaskRun} its run, {@link ModelBundle} its model file). Stateless; thread-safe.
 *
 * <p>A trial of population-based training (its params carry a {@link Lineage}) trains
 * {@code pbt.epochs} epochs, continuing from its parent's {@link Checkpoint} when it names one,
 * reports its epochs counted along its lineage, uploads its own {@code checkpoint.zip} before
 * its result is told, and records its lineage and schedule as {@code pbt} in its provenance.
 */
public final class Dl4jRunner implements Runner {
    @Override
    public String name() {
        return TaskSpec.RUNNER;
    }

    @Override
    public RunnerTask validate(Map<String, Object> task, Map<String, Object> params) {
        Lineage lineage = Lineage.of(params);
        var own = Lineage.strip(params);
        if (lineage == null) {
            return new Task(TaskSpec.parse(task, own), null, own);
        }
        var training = new LinkedHashMap<>(own);
        training.put("training.epochs", lineage.epochs());
        return new Task(TaskSpec.parse(task, training), lineage, own);
    }

    /** One trial's checked DL4J task; {@code lineage} is null outside population-based training. */
    private record Task(TaskSpec spec, Lineage lineage, Map<String, Object> params) implements RunnerTask {
        @Override
        public DatasetSpec dataset() {
            return spec.dataset();
        }

        @Override
        public String metric() {
            return spec.metric();
        }

        @Override
        public List<String> reportedMetrics(Dataset data) {
            return Metrics.reported(data);
        }

        @Override
        public RunOutcome run(RunContext context) {
            if (lineage == null) {
                return finish(context, taskRun(context).run(context.repetitions(), listener(context, 0)));
            }
            TaskRun run = taskRun(context);
            var schedule = new ArrayList<Map<String, Object>>();
            if (lineage.parent() != null) {
                var parent = Checkpoint.read(parentCheckpoint(context));
                run.startingFrom(parent);
                schedule.addAll(parent.schedule());
            }
            TaskRun.Outcome outcome = run.run(context.repetitions(), listener(context, lineage.startEpoch()));
            int epochsRun = outcome.repetitions().isEmpty() ? lineage.epochs()
                    : outcome.repetitions().getFirst().values().get(Metrics.EPOCHS).intValue();
            var segment = new LinkedHashMap<String, Object>();
            segment.put("generation", lineage.generation());
            segment.put("from_epoch", lineage.startEpoch());
            segment.put("to_epoch", lineage.startEpoch() + epochsRun);
            segment.put("params", params);
            schedule.add(segment);
            var provenance = new LinkedHashMap<>(lineage.describe());
            provenance.put("epochs_run", epochsRun);
            provenance.put("schedule", schedule);
            context.provenance("pbt", provenance);
            if (outcome.status() == RunOutcome.Status.COMPLETE) {
                context.uploadArtifact(Lineage.CHECKPOINT, new Checkpoint(outcome.model().network(), schedule).write());
            }
            return finish(context, outcome);
        }

        private byte[] parentCheckpoint(RunContext context) {
            try {
                return context.artifact(lineage.parent(), Lineage.CHECKPOINT);
            } catch (TunelabException.NotFound e) {
                throw TunelabException.invalidSpec("pbt.parent " + lineage.parent() + " has no " + Lineage.CHECKPOINT
                        + " to continue from (" + e.getMessage() + "); a parent must be a complete member of the population");
            }
        }

        /**
         * A pbt member is refitted from scratch with its last params for the epochs its whole
         * lineage trained: the ones before it plus its own (the schedule's earlier params are
         * not replayed).
         */
        @Override
        public RunOutcome refit(RunContext context, Refit refit) {
            int epochs = (refit.epochs() != null ? refit.epochs() : spec.training().epochs())
                    + (lineage == null ? 0 : lineage.startEpoch());
            return finish(context, taskRun(context).refit(refit.split(), epochs, refit.seed(), listener(context, 0)));
        }

        private TaskRun taskRun(RunContext context) {
            return new TaskRun(spec, context.savedTask(), context.data(), context.metric(), context.direction());
        }

        private static RunOutcome finish(RunContext context, TaskRun.Outcome outcome) {
            context.provenance("seeds", outcome.seeds());
            context.provenance("preprocessing", outcome.preprocessing());
            if (outcome.status() == RunOutcome.Status.COMPLETE) {
                context.uploadModel(outcome.model().write());
            }
            return new RunOutcome(outcome.status(), outcome.repetitions(), outcome.lastReport(), outcome.trainingSeconds());
        }

        /** Reports each epoch as the {@code offset + epoch}-th of the trial's lineage. */
        private static TaskRun.Listener listener(RunContext context, int offset) {
            return new TaskRun.Listener() {
                @Override
                public void epoch(int epoch, Map<String, Double> values) {
                    context.report(offset + epoch, values);
                }

                @Override
                public Signal signal() {
                    return context.signal();
                }
            };
        }
    }
}
