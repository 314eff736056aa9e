package io.tunelab.server.experiment;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests under one id run one at a time, other ids do not wait for them, and no lock outlives its requests. */
class RequestLocksTest {

    @Test
    void oneIdRunsOneAtATimeAnotherIdDoesNotWaitAndNothingIsLeftHeld() throws Exception {
        var locks = new RequestLocks();
        var inside = new AtomicInteger();
        var most = new AtomicInteger();
        var firstIn = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = threads.submit(() -> locks.under(RequestKey.of("same"), () -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                firstIn.countDown();
                await(release);
                inside.decrementAndGet();
                return 1;
            }));
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
            var second = threads.submit(() -> locks.under(RequestKey.of("same"), () -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                inside.decrementAndGet();
                return 2;
            }));
            assertThat(locks.under(RequestKey.of("other"), () -> 3)).as("another id runs while the first holds its lock").isEqualTo(3);
            assertThat(locks.under(null, () -> 4)).as("no id, no lock").isEqualTo(4);
            Thread.sleep(100);
            assertThat(second.isDone()).as("the same id waits").isFalse();
            release.countDown();
            assertThat(first.get()).isEqualTo(1);
            assertThat(second.get()).isEqualTo(2);
        }
        assertThat(most).as("never two under one id at once").hasValue(1);
        assertThat(locks.size()).as("no lock outlives its requests").isZero();
    }

    @Test
    void aLockIsGivenBackWhenItsWorkThrows() {
        var locks = new RequestLocks();
        try {
            locks.under(RequestKey.of("fails"), () -> {
                throw new IllegalStateException("refused");
            });
        } catch (IllegalStateException expected) {
            // the caller's failure, as thrown
        }
        assertThat(locks.size()).isZero();
        assertThat(locks.under(RequestKey.of("fails"), () -> "again")).isEqualTo("again");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
