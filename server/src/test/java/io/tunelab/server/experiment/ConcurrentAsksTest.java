package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asks that arrive together, on real H2 files: every trial gets a configuration no other trial
 * of the experiment has. A Gaussian process proposes the same point from the same history, so
 * before proposals for reserved numbers were seen by the others ({@link ReservedNumbers}), 8 asks
 * at once handed out 58 distinct configurations in 80 with {@code gp}.
 */
class ConcurrentAsksTest {
    private static final int AT_ONCE = 8;
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    private static double loss(Map<String, Object> params) {
        double x = ((Number) params.get("x")).doubleValue();
        double y = ((Number) params.get("y")).doubleValue();
        return (x - 0.3) * (x - 0.3) + 2 * (y - 0.6) * (y - 0.6);
    }

    private static ExperimentSpec spec(String strategy) {
        return ExperimentSpec.builder("e").minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(0, 1))
                .strategy(strategy).seed(1L).trials(500).build();
    }

    /** Runs {@code task} on {@value #AT_ONCE} threads released together, {@link #ROUNDS} times. */
    private static <T> List<T> together(Callable<T> task) throws Exception {
        var out = new ArrayList<T>();
        try (var pool = Executors.newFixedThreadPool(AT_ONCE)) {
            for (int round = 0; round < ROUNDS; round++) {
                var barrier = new CyclicBarrier(AT_ONCE);
                var futures = new ArrayList<Future<T>>();
                for (int k = 0; k < AT_ONCE; k++) {
                    futures.add(pool.submit(() -> {
                        barrier.await();
                        return task.call();
                    }));
                }
                for (var f : futures) {
                    out.add(f.get());
                }
            }
        }
        return out;
    }

    /** Which trial numbers share a configuration with an earlier trial, and which. */
    private static Map<Integer, Integer> repeats(List<TrialProposal> trials) {
        var first = new HashMap<Map<String, Object>, Integer>();
        var repeats = new HashMap<Integer, Integer>();
        for (var t : trials) {
            Integer earlier = first.putIfAbsent(t.params(), t.number());
            if (earlier != null) {
                repeats.put(t.number(), earlier);
            }
        }
        return repeats;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gp", "auto", "tpe", "genetic", "cmaes", "portfolio", "sobol", "random"})
    void asksAtOnceGetDistinctConfigurations(String strategy) throws Exception {
        try (var storage = JdbcStorage.openDataDirectory(dir)) {
            var service = Coordinator.open(storage, Instant::now, Events.NONE,
                    new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null).experiments();
            service.create(spec(strategy));
            var trials = new ArrayList<TrialProposal>();
            for (int i = 0; i < 12; i++) { // past the start-up designs, to where a model proposes
                var t = service.ask("e");
                trials.add(t);
                service.tell(t.id(), TrialResult.complete(Map.of("loss", loss(t.params()))));
            }
            var asked = together(() -> service.ask("e"));
            for (var t : asked) {
                service.tell(t.id(), TrialResult.complete(Map.of("loss", loss(t.params()))));
            }
            trials.addAll(asked);
            // The one-round-trip protocol proposes outside the monitor too: each thread tells its trial and gets the next.
            var next = new ConcurrentLinkedQueue<TrialProposal>();
            var open = new LinkedBlockingQueue<TrialProposal>();
            for (int k = 0; k < AT_ONCE; k++) {
                open.add(service.ask("e"));
            }
            trials.addAll(open);
            together(() -> {
                var t = open.take();
                var reply = service.tellThenAsk(t.id(), TrialResult.complete(Map.of("loss", loss(t.params()))), null, (String) null);
                next.add(reply.next());
                open.add(reply.next());
                return reply;
            });
            trials.addAll(next);

            assertThat(repeats(trials)).as("trial numbers whose configuration an earlier trial has (%s)", strategy).isEmpty();
        }
    }
}
