package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseHeartbeatsTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final List<String> renewed = new ArrayList<>();
    private final List<Long> lost = new ArrayList<>();
    private final List<Long> failed = new ArrayList<>();
    private final Set<Long> gone = new HashSet<>();
    private final Set<Long> unreachable = new HashSet<>();

    private final LeaseHeartbeats heartbeats = new LeaseHeartbeats((trialId, leaseId) -> {
        renewed.add(trialId + "/" + leaseId);
        if (gone.contains(trialId)) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + trialId + " is leased to another worker");
        }
        if (unreachable.contains(trialId)) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "cannot reach the Tunelab server");
        }
    }, new LeaseHeartbeats.Listener() {
        @Override
        public void lost(long trialId, TunelabException cause) {
            lost.add(trialId);
        }

        @Override
        public void failed(long trialId, RuntimeException cause) {
            failed.add(trialId);
        }
    }, now::get, null);

    private void after(long seconds) {
        now.addAndGet(seconds * SECOND);
        heartbeats.renewDue();
    }

    @Test
    void a_held_lease_is_renewed_once_per_interval_from_when_it_was_held() {
        heartbeats.hold(1, "a", Duration.ofSeconds(10));
        heartbeats.hold(2, "b", Duration.ofSeconds(3));

        after(2);
        assertThat(renewed).isEmpty();
        after(1);
        assertThat(renewed).containsExactly("2/b");
        after(2);
        assertThat(renewed).containsExactly("2/b");
        after(1);
        assertThat(renewed).containsExactly("2/b", "2/b");
        after(4);
        assertThat(renewed).containsExactlyInAnyOrder("2/b", "2/b", "1/a", "2/b");
    }

    @Test
    void a_dropped_trial_is_no_longer_renewed() {
        heartbeats.hold(1, "a", Duration.ofSeconds(1));
        after(1);
        heartbeats.drop(1);
        after(5);

        assertThat(renewed).containsExactly("1/a");
    }

    @Test
    void a_lease_the_server_says_is_gone_is_reported_once_and_dropped() {
        heartbeats.hold(1, "a", Duration.ofSeconds(1));
        heartbeats.hold(2, "b", Duration.ofSeconds(1));
        gone.add(1L);

        after(1);
        after(1);

        assertThat(lost).containsExactly(1L);
        assertThat(renewed).containsOnlyOnce("1/a");
        assertThat(renewed).filteredOn("2/b"::equals).hasSize(2);
    }

    @Test
    void a_failed_renewal_is_reported_and_tried_again_on_the_next_tick() {
        heartbeats.hold(1, "a", Duration.ofSeconds(10));
        unreachable.add(1L);
        after(10);
        unreachable.clear();
        after(1);
        after(1);

        assertThat(failed).containsExactly(1L);
        assertThat(lost).isEmpty();
        assertThat(renewed).containsExactly("1/a", "1/a");
    }

    @Test
    void holding_again_replaces_the_lease() {
        heartbeats.hold(1, "old", Duration.ofSeconds(1));
        heartbeats.hold(1, "new", Duration.ofSeconds(1));
        after(1);

        assertThat(renewed).containsExactly("1/new");
    }

    @Test
    void a_hold_without_a_lease_id_or_faster_than_the_tick_is_refused_and_changes_nothing() {
        assertThatThrownBy(() -> heartbeats.hold(1, null, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trial 1").hasMessageContaining("lease id");
        assertThatThrownBy(() -> heartbeats.hold(1, "a", Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most one per 1 s").hasMessageContaining("10 ms");
        after(60);

        assertThat(renewed).isEmpty();
    }
}
