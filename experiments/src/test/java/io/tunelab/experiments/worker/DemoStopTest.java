package io.tunelab.experiments.worker;

import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunelab demo} as a real process with its real worker: however the demo is stopped —
 * SIGTERM, or SIGKILL, which runs none of its code — its worker does not outlive it. Bounds are
 * generous polling limits, not timings: the worker may take its grace period (30 s) to stop.
 */
@Tag("slow")
class DemoStopTest {
    private static final Duration BOUND = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void sigtermToTheDemoStopsItsWorker() throws Exception {
        stopTheDemoAndCheckItsWorkerEnds(Process::destroy);
    }

    @Test
    void sigkillToTheDemoStillEndsItsWorker() throws Exception {
        stopTheDemoAndCheckItsWorkerEnds(Process::destroyForcibly);
    }

    private void stopTheDemoAndCheckItsWorkerEnds(Consumer<Process> stop) throws Exception {
        // A sweep that outlasts the test: a thousand trials of 30 epochs, one at a time.
        Path spec = dir.resolve("long.yaml");
        Files.writeString(spec, """
                name: demo-stop
                objective: {metric: accuracy, direction: maximize}
                task:
                  dataset: {name: digits, validation: {holdout: 0.2}}
                  model: {layers: 1}
                  training: {epochs: 30, patience: 0}
                space:
                  model.units: {type: int, low: 16, high: 64}
                strategy: {name: random}
                budget: {trials: 1000, parallel: 1}
                """);
        Path log = dir.resolve("demo.log");
        Process demo = TunelabProcesses.server().processBuilder(List.of("demo", "--port", "0", "--data-dir",
                        dir.resolve("data").toString(), "--spec", spec.toString(), "--slots", "1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessHandle worker = null;
        try {
            worker = workerOf(demo, log);
            stop.accept(demo);
            assertThat(demo.waitFor(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("the demo exits").isTrue();
            assertThat(gone(worker)).as("worker %d ends after the demo %d was stopped; demo log:\n%s\nworker log:\n%s",
                    worker.pid(), demo.pid(), Files.readString(log), readWorkerLog()).isTrue();
        } finally {
            demo.destroyForcibly();
            if (worker != null) {
                worker.destroyForcibly();
            }
        }
    }

    /** The demo's worker, once it runs. */
    private static ProcessHandle workerOf(Process demo, Path log) throws Exception {
        Instant deadline = Instant.now().plus(BOUND);
        while (Instant.now().isBefore(deadline)) {
            var worker = demo.toHandle().children()
                    .filter(p -> p.info().commandLine().orElse("").contains("io.tunelab.worker.Main")).findFirst();
            if (worker.isPresent()) {
                return worker.get();
            }
            assertThat(demo.isAlive()).as("the demo runs; its log:\n%s", Files.readString(log)).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("the demo started no worker; its log:\n" + Files.readString(log));
    }

    private static boolean gone(ProcessHandle process) throws InterruptedException {
        Instant deadline = Instant.now().plus(BOUND);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        return !process.isAlive();
    }

    private String readWorkerLog() throws java.io.IOException {
        Path log = dir.resolve("data").resolve("worker.log");
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }
}
