package io.tunelab.server.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer's hand-offs: passed on at once outside a group, and once per target after a group, in order. */
class HandOffsTest {
    /** A target that records each call it gets and runs the task it was given. */
    private static final class Target implements Consumer<Runnable> {
        int calls;

        @Override
        public void accept(Runnable task) {
            calls++;
            task.run();
        }
    }

    @Test
    void outsideAGroupEachHandOffIsPassedOnAtOnce() {
        var target = new Target();
        var ran = new ArrayList<String>();

        HandOffs.handOff(target, target, () -> ran.add("a"));
        assertThat(ran).containsExactly("a");
        HandOffs.handOff(target, target, () -> ran.add("b"));

        assertThat(ran).containsExactly("a", "b");
        assertThat(target.calls).isEqualTo(2);
    }

    @Test
    void insideAGroupTheHandOffsWaitForItsEndAndGoInOneCallPerTargetInTheirOrder() {
        var loop1 = new Target();
        var loop2 = new Target();
        var ran = new ArrayList<String>();

        HandOffs.grouped(() -> {
            HandOffs.handOff(loop1, loop1, () -> ran.add("1a"));
            HandOffs.handOff(loop2, loop2, () -> ran.add("2a"));
            HandOffs.handOff(loop1, loop1, () -> ran.add("1b"));
            HandOffs.grouped(() -> HandOffs.handOff(loop1, loop1, () -> ran.add("1c"))); // joins the outer group
            assertThat(ran).as("nothing passed on before the group ends").isEmpty();
        });

        assertThat(loop1.calls).isEqualTo(1);
        assertThat(loop2.calls).isEqualTo(1);
        assertThat(ran).containsExactlyInAnyOrder("1a", "1b", "1c", "2a");
        assertThat(ran.stream().filter(s -> s.startsWith("1")).toList()).containsExactly("1a", "1b", "1c");
    }

    @Test
    void aTaskThatThrowsKeepsNoOtherOfItsTargetFromRunning() {
        var target = new Target();
        List<String> ran = new ArrayList<>();

        assertThatThrownBy(() -> HandOffs.grouped(() -> {
            HandOffs.handOff(target, target, () -> ran.add("a"));
            HandOffs.handOff(target, target, () -> {
                throw new IllegalStateException("refused");
            });
            HandOffs.handOff(target, target, () -> ran.add("c"));
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused");

        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void afterAGroupTheThreadHandsOffAtOnceAgain() {
        var target = new Target();
        var ran = new ArrayList<String>();
        HandOffs.grouped(() -> HandOffs.handOff(target, target, () -> ran.add("in")));

        HandOffs.handOff(target, target, () -> ran.add("after"));

        assertThat(ran).containsExactly("in", "after");
        assertThat(target.calls).isEqualTo(2);
    }
}
