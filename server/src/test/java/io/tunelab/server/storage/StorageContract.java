package io.tunelab.server.storage;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Report;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link Storage} contract, for every implementation: what was written reads back the same
 * (after reopening), one write's changes are atomic, concurrent writes all land.
 */
abstract class StorageContract {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    /** A fresh, empty storage. */
    abstract Storage open();

    /** The same storage closed and opened again. */
    abstract Storage reopen(Storage storage);

    static StoredExperiment experiment(long id, String name) {
        var spec = ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(10).build();
        return new StoredExperiment(id, name, ExperimentState.RUNNING, spec, 42, T0, T0, null, 0, T0, null);
    }

    static StoredTrial trial(long id, long experiment, int number) {
        var params = new LinkedHashMap<String, Object>();
        params.put("x", 0.25 * number);
        params.put("kind", "a");
        return StoredTrial.of(new Trial(id, experiment, number, params, TrialState.RUNNING, null, null, null, null, T0, T0,
                null, "w:1", null, null, null));
    }

    @Test
    void whatIsWrittenReadsBackAfterReopening() {
        Storage s = open();
        var e = experiment(1, "one");
        s.write(c -> c.insert(e));
        var t = trial(7, 1, 0);
        s.write(c -> c.insert(t));
        var done = new Trial(7, 1, 0, t.trial().params(), TrialState.COMPLETE, Map.of("loss", 0.5),
                List.of(new Repetition(0, 3L, Map.of("loss", 0.4)), new Repetition(1, 4L, Map.of("loss", 0.6))),
                Map.of("loss", new Statistics(2, 0.5, 0.1414, 0.2, 0.8)), null, T0, T0, T0.plusSeconds(3), "w:1", null,
                Map.of("host", "h"), null);
        s.write(c -> {
            c.update(t.with(done).withLease("lease-1", T0.plusSeconds(60), 1));
            c.insertReport(7, new Report(1, Map.of("loss", 0.9), T0));
            c.insertReport(7, new Report(2, Map.of("loss", 0.7), T0));
            c.update(e.withState(ExperimentState.COMPLETED, T0.plusSeconds(5), null));
            c.putModel(7, new byte[]{1, 2, 3});
            c.putDataReport(1, "{\"usable\":true}");
        });
        s = reopen(s);
        assertThat(s.experiments()).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("one");
            assertThat(x.state()).isEqualTo(ExperimentState.COMPLETED);
            assertThat(x.spec()).isEqualTo(e.spec());
            assertThat(x.runningMillis()).isEqualTo(5000);
        });
        StoredTrial read = s.trials(1).getFirst();
        assertThat(read.trial().params()).containsExactly(Map.entry("x", 0.0), Map.entry("kind", "a"));
        assertThat(read.trial().values()).isEqualTo(done.values());
        assertThat(read.trial().repetitions()).isEqualTo(done.repetitions());
        assertThat(read.trial().statistics()).isEqualTo(done.statistics());
        assertThat(read.trial().reports()).extracting(Report::step).containsExactly(1, 2);
        assertThat(read.trial().finished()).isEqualTo(T0.plusSeconds(3));
        assertThat(read.leaseId()).isEqualTo("lease-1");
        assertThat(read.attempts()).isEqualTo(1);
        assertThat(s.model(7)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        assertThat(s.dataReport(1)).hasValue("{\"usable\":true}");
        assertThat(s.maxTrialId()).isEqualTo(7);
        s.close();
    }

    @Test
    void aFailingWriteChangesNothingAndFailsOnlyItsCaller() throws Exception {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        assertThatThrownBy(() -> s.write(c -> {
            c.insert(trial(1, 1, 0));
            c.insert(experiment(2, "one")); // duplicate name
        })).isInstanceOf(RuntimeException.class);
        assertThat(s.trials(1)).isEmpty();
        // Many concurrent writers: one bad write among them fails alone.
        try (var pool = Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                futures.add(pool.submit(() -> s.write(c -> c.insert(trial(100 + n, n == 50 ? 99 : 1, n)))));
            }
            int failed = 0;
            for (var f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException ex) {
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(1);
        }
        Storage again = reopen(s);
        assertThat(again.trials(1)).hasSize(199);
        again.close();
    }

    @Test
    void tokensAndWhoWroteReadBackAfterReopening() {
        Storage s = open();
        var e = new StoredExperiment(1, "mine", ExperimentState.RUNNING, experiment(1, "mine").spec(), 42, T0, T0, null, 0, T0, "ci");
        s.write(c -> c.insert(e));
        var t = trial(7, 1, 0);
        s.write(c -> c.insert(t));
        Trial told = t.trial();
        var withTeller = new Trial(told.id(), 1, 0, told.params(), TrialState.COMPLETE, Map.of("loss", 0.5), null, null, null,
                T0, T0, T0, "w:1", null, null, "gpu-box-1");
        s.write(c -> c.update(t.with(withTeller)));
        s.write(c -> c.insertToken(new StoredToken("admin", List.of("admin"), "ab".repeat(32), T0, null)));
        s.write(c -> c.insertToken(new StoredToken("gpu-box-1", List.of("worker", "read"), "cd".repeat(32), T0.plusSeconds(1), null)));
        s.write(c -> c.revokeToken(new StoredToken("gpu-box-1", List.of("worker", "read"), "cd".repeat(32), T0.plusSeconds(1),
                T0.plusSeconds(9))));
        s = reopen(s);
        assertThat(s.experiments().getFirst().createdBy()).isEqualTo("ci");
        assertThat(s.trials(1).getFirst().trial().toldBy()).isEqualTo("gpu-box-1");
        assertThat(s.tokens()).extracting(StoredToken::name).containsExactly("admin", "gpu-box-1");
        assertThat(s.tokens().get(1).scopes()).containsExactly("worker", "read");
        assertThat(s.tokens().get(1).revoked()).isEqualTo(T0.plusSeconds(9));
        assertThat(s.tokens().getFirst().isRevoked()).isFalse();
        Storage last = s;
        assertThatThrownBy(() -> last.write(c -> c.insertToken(new StoredToken("admin", List.of("read"), "ef".repeat(32), T0, null))))
                .as("a token name is unique");
        assertThat(last.tokens()).hasSize(2);
        last.close();
    }
}
