package io.tunelab.experiments.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a benchmark's JVM undoes when it exits, normally, by an exception or by Ctrl-C or SIGTERM:
 * first it stops the server and worker processes it started and still runs (so none is left
 * orphaned, still holding a port and writing), then it deletes its scratch folders. One shutdown
 * hook does both, in that order; a process already stopped or a folder already gone is skipped.
 */
final class AtExit {
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static final List<Path> FOLDERS = new ArrayList<>();
    private static boolean hooked;

    private AtExit() {
    }

    /** Stops the process at exit unless it has stopped by then. */
    static synchronized void stop(Process process) {
        hook();
        PROCESSES.add(process);
    }

    /** Deletes the folder and everything in it at exit, after the processes are stopped. */
    static synchronized void delete(Path folder) {
        hook();
        FOLDERS.add(folder);
    }

    private static void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(AtExit::run, "benchmark clean-up"));
            hooked = true;
        }
    }

    private static void run() {
        List<Process> processes;
        List<Path> folders;
        synchronized (AtExit.class) {
            processes = List.copyOf(PROCESSES);
            folders = List.copyOf(FOLDERS);
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (Path folder : folders) {
            try {
                Scratch.delete(folder);
            } catch (RuntimeException e) {
                System.err.println(e.getMessage() + ": " + e.getCause());
            }
        }
    }
}
