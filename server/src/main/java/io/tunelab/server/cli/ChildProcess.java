package io.tunelab.server.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A process a command starts that must not outlive it. A shutdown hook stops it when this JVM
 * is stopped (SIGTERM, Ctrl-C, or a normal exit that skipped {@link #close}): SIGTERM, then
 * SIGKILL after {@code grace}. A hook cannot run when this JVM is killed outright (SIGKILL), so
 * the child must also watch this process itself: the worker does with {@code --parent-pid}, and
 * {@link #PARENT_PID} is what to pass it.
 */
final class ChildProcess implements AutoCloseable {
    /** This process's pid, for the child's {@code --parent-pid}. */
    static final String PARENT_PID = Long.toString(ProcessHandle.current().pid());

    private final Process process;
    private final Duration grace;
    private final Thread hook;

    private ChildProcess(Process process, Duration grace) {
        this.process = process;
        this.grace = grace;
        this.hook = new Thread(this::stop, "stop-" + process.pid());
    }

    /** Starts the builder's process, stopped with this JVM. */
    static ChildProcess start(ProcessBuilder builder, Duration grace) throws IOException {
        var child = new ChildProcess(builder.start(), grace);
        Runtime.getRuntime().addShutdownHook(child.hook);
        return child;
    }

    long pid() {
        return process.pid();
    }

    /** Stops the process now (SIGTERM, then SIGKILL after the grace period) and forgets the hook. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the process.
        }
        stopWaiting();
    }

    private void stop() {
        try {
            stopWaiting();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void stopWaiting() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
