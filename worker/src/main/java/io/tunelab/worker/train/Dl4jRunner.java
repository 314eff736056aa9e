package io.tunelab.worker.train;

import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.runner.RunContext;
import io.tunelab.worker.runner.RunOutcome;
import io.tunelab.worker.runner.Runner;
import io.tunelab.worker.runner.RunnerTask;
import io.tunelab.worker.runner.Signal;

import java.util.List;
import java.util.Map;

/**
 * The {@code dl4j} runner: networks trained with Deeplearning4j ({@link TaskSpec} is its task,
 * {@link TaskRun} its run, {@link ModelBundle} its model file). Stateless; thread-safe.
 */
public final class Dl4jRunner implements Runner {
    @Override
    public String name() {
        return TaskSpec.RUNNER;
    }

    @Override
    public RunnerTask validate(Map<String, Object> task, Map<String, Object> params) {
        return new Task(TaskSpec.parse(task, params));
    }

    /** One trial's checked DL4J task. */
    private record Task(TaskSpec spec) implements RunnerTask {
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
            TaskRun.Outcome outcome = taskRun(context).run(context.repetitions(), listener(context));
            return finish(context, outcome);
        }

        @Override
        public RunOutcome refit(RunContext context, Refit refit) {
            int epochs = refit.epochs() != null ? refit.epochs() : spec.training().epochs();
            return finish(context, taskRun(context).refit(refit.split(), epochs, refit.seed(), listener(context)));
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

        private static TaskRun.Listener listener(RunContext context) {
            return new TaskRun.Listener() {
                @Override
                public void epoch(int epoch, Map<String, Double> values) {
                    context.report(epoch, values);
                }

                @Override
                public Signal signal() {
                    return context.signal();
                }
            };
        }
    }
}
