package io.tunelab.worker.tribuo;

import io.tunelab.worker.runner.Runner;
import io.tunelab.worker.runner.RunnerTask;

import java.util.Map;

/** The {@code tribuo} runner: trees and linear models from Tribuo. Stateless; thread-safe. */
public final class TribuoRunner implements Runner {
    public static final String NAME = "tribuo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunnerTask validate(Map<String, Object> task, Map<String, Object> params) {
        return TribuoTask.parse(task, params);
    }
}
