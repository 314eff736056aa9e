package io.tunelab.server.storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hand-offs from the storage writer's thread to other threads, made in groups: the futures of a
 * commit's writes complete one after the other on the writer, and each answered request hands
 * its reply to the HTTP event loop, which costs the writer a wake-up of that loop each time (6%
 * of its CPU samples under 16 clients). Inside {@link #grouped} (the writer completing a group's
 * futures) a hand-off is kept, and the ones for the same target are passed on together once the
 * group is done, in the order they were made: one wake-up per target and group. Elsewhere a
 * hand-off is passed on at once. Each thread has its own group.
 */
public final class HandOffs {
    private static final ThreadLocal<Map<Object, Pending>> GROUP = new ThreadLocal<>();

    /** The hand-offs kept for one target, and how that target takes a task. */
    private record Pending(Consumer<Runnable> target, List<Runnable> tasks) {
    }

    private HandOffs() {
    }

    /**
     * Hands {@code task} to {@code target} (which runs it on its own thread): at once, or inside
     * {@link #grouped} on this thread, with the others for the same {@code key} when the group ends.
     */
    public static void handOff(Object key, Consumer<Runnable> target, Runnable task) {
        Map<Object, Pending> group = GROUP.get();
        if (group == null) {
            target.accept(task);
        } else {
            group.computeIfAbsent(key, k -> new Pending(target, new ArrayList<>())).tasks().add(task);
        }
    }

    /** Runs {@code completions}, then passes on the hand-offs it made, one call per target; nested calls join the outer group. */
    static void grouped(Runnable completions) {
        if (GROUP.get() != null) {
            completions.run();
            return;
        }
        Map<Object, Pending> group = new IdentityHashMap<>();
        GROUP.set(group);
        try {
            completions.run();
        } finally {
            GROUP.remove();
            group.values().forEach(p -> p.target().accept(p.tasks().size() == 1 ? p.tasks().getFirst() : () -> runAll(p.tasks())));
        }
    }

    /** Runs each task in turn; one that throws does not keep the others from running, and the first failure is thrown after them. */
    private static void runAll(List<Runnable> tasks) {
        RuntimeException first = null;
        for (Runnable task : tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
