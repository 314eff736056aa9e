package org.example;

import io.tunelab.api.Options;
import io.tunelab.api.Repetition;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.runner.RepetitionPlan;
import io.tunelab.worker.runner.RunContext;
import io.tunelab.worker.runner.RunOutcome;
import io.tunelab.worker.runner.Runner;
import io.tunelab.worker.runner.RunnerTask;
import io.tunelab.worker.runner.Signal;
import io.tunelab.worker.runner.TaskParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal runner: predicts the commonest class of each repetition's training rows, the
 * baseline any model should beat. Task: {runner: majority, dataset: {...}}.
 */
public final class MajorityRunner implements Runner {
    @Override
    public String name() {
        return "majority";
    }

    @Override
    public RunnerTask validate(Map<String, Object> task, Map<String, Object> params) {
        var merged = TaskParams.apply(task, params, List.of("dataset"));
        merged.remove("runner");
        var s = Options.of("", merged);
        DatasetSpec dataset = DatasetSpec.parse(s.section("dataset"), null);
        s.done();   // any other field is an error naming it
        if (dataset.type() != io.tunelab.worker.data.TaskType.CLASSIFICATION) {
            throw TunelabException.invalidSpec("dataset.type: the majority runner needs classification");
        }
        return new Task(dataset);
    }

    private record Task(DatasetSpec dataset) implements RunnerTask {
        @Override
        public String metric() {
            return "accuracy";
        }

        @Override
        public List<String> reportedMetrics(Dataset data) {
            return List.of("accuracy");
        }

        @Override
        public RunOutcome run(RunContext context) {
            Dataset data = context.data();
            var repetitions = new ArrayList<Repetition>();
            for (RepetitionPlan plan : context.repetitions()) {
                if (context.signal() != Signal.GO) {
                    return new RunOutcome(RunOutcome.Status.CANCELLED, List.of(), Map.of(), 0);
                }
                repetitions.add(new Repetition(plan.index(), plan.seed(), Map.of("accuracy", score(data, plan))));
            }
            double mean = repetitions.stream().mapToDouble(r -> r.values().get("accuracy")).average().orElseThrow();
            context.report(1, Map.of("accuracy", mean));
            context.provenance("baseline", "majority class");
            return new RunOutcome(RunOutcome.Status.COMPLETE, repetitions, Map.of("accuracy", mean), 0);
        }

        @Override
        public RunOutcome refit(RunContext context, Refit refit) {
            var plan = new RepetitionPlan(0, refit.seed(), refit.split());
            var values = Map.of("accuracy", score(context.data(), plan));
            return new RunOutcome(RunOutcome.Status.COMPLETE, List.of(new Repetition(0, refit.seed(), values)), values, 0);
        }

        private static double score(Dataset data, RepetitionPlan plan) {
            int[] counts = new int[data.classes()];
            for (double y : data.targets(plan.split().train())) {
                counts[(int) y]++;
            }
            int majority = 0;
            for (int c = 1; c < counts.length; c++) {
                majority = counts[c] > counts[majority] ? c : majority;
            }
            double[] truth = data.targets(plan.split().validation());
            int right = 0;
            for (double y : truth) {
                right += (int) y == majority ? 1 : 0;
            }
            return (double) right / truth.length;
        }
    }
}
