package io.tunelab.experiments.throughput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used, user plus system, read from {@code /proc/<pid>/stat} (fields 14
 * and 15, in clock ticks of 10 ms): the kernel's own account, the same for the server process
 * and for this one. Resolution is one tick, so measure over thousands of trials.
 */
final class CpuClock {
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private CpuClock() {
    }

    /** Nanoseconds of CPU the process {@code pid} has used so far, or -1 when /proc cannot tell. */
    static long nanos(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long self() {
        return nanos(ProcessHandle.current().pid());
    }

    /** {@link #jit} of this process: the part of {@link #self()} that is the JVM warming up, not the SDK's work. */
    static long selfJit() {
        return jit(ProcessHandle.current().pid());
    }

    /**
     * Nanoseconds of CPU the JIT compiler threads of the JVM {@code pid} have used so far (the
     * tasks the kernel names {@code C1 CompilerThre…} and {@code C2 CompilerThre…}), or -1 when
     * /proc cannot tell.
     */
    static long jit(long pid) {
        return threads(pid, name -> name.matches("C[12] CompilerThre.*"));
    }

    /**
     * Nanoseconds of CPU the storage writer thread of the server {@code pid} has used so far (the
     * task the kernel names {@code tunelab-storage}, the first 15 characters of
     * {@code tunelab-storage-writer}), or -1 when /proc cannot tell.
     */
    static long writer(long pid) {
        return threads(pid, "tunelab-storage"::equals);
    }

    /** Nanoseconds of CPU the threads of process {@code pid} whose kernel task name {@code named} accepts have used so far. */
    private static long threads(long pid, java.util.function.Predicate<String> named) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.mapToLong(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    return named.test(name) ? ticks(stat) * NANOS_PER_TICK : 0;
                } catch (IOException | RuntimeException e) {
                    return 0; // a thread that ended meanwhile
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The whole machine's CPU time so far from the first line of {@code /proc/stat}, in clock
     * ticks: {@code [busy, idle, steal]}, busy being user, nice, system, irq and softirq, idle
     * including waits for I/O, steal the time the hypervisor gave this machine's processors to
     * others; null when /proc cannot tell.
     */
    static long[] machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(f[i]);
            }
            return new long[] {busy, Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticks(String stat) {
        // The command name (field 2) may hold spaces; the fields after it start past its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
