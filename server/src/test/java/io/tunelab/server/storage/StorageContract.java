package io.tunelab.server.storage;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.Report;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link Storage} contract, for every implementation, a user's included: extend this class,
 * say how to open a fresh storage and how to reopen one, and every case runs against it. What was
 * written reads back the same (after reopening too); one write's changes are atomic; a failing
 * write fails only its caller; concurrent writes all land; reads come back in a stated order.
 * The cases about reports, models, tokens, artifacts, labels and deletion are in {@link StorageAttachmentsContract}.
 */
public abstract class StorageContract extends StorageAnswersContract {

    @Test
    void whatIsWrittenReadsBackAfterReopening() {
        Storage s = open();
        var e = experiment(1, "one");
        s.write(c -> c.insert(e));
        s.write(c -> c.update(e.withState(ExperimentState.PAUSED, T0.plusSeconds(5), null).by("ops")));
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
        // Many concurrent writers: one bad write among them (a trial number taken twice) fails alone.
        try (var pool = Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                futures.add(pool.submit(() -> s.write(c -> c.insert(trial(100 + n, 1, n == 50 ? 49 : n)))));
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
    void anEmptyStorageHasNoExperimentsNoTrialsAndNoTrialIds() {
        Storage s = open();
        assertThat(s.experiments()).isEmpty();
        assertThat(s.trials(1)).isEmpty();
        assertThat(s.maxTrialId()).isZero();
        assertThat(s.model(1)).isEmpty();
        assertThat(s.dataReport(1)).isEmpty();
        s.close();
    }

    @Test
    void experimentsReadBackInIdOrderWhateverTheOrderTheyWereWritten() {
        Storage s = open();
        s.write(c -> c.insert(experiment(3, "c")));
        s.write(c -> c.insert(experiment(1, "a")));
        s.write(c -> c.insert(experiment(2, "b")));
        assertThat(s.experiments()).extracting(StoredExperiment::id).containsExactly(1L, 2L, 3L);
        assertThat(s.experiments()).extracting(StoredExperiment::name).containsExactly("a", "b", "c");
        s.close();
    }

    @Test
    void anExperimentUpdateChangesItsStateStopReasonRunningTimeAndSpec() {
        Storage s = open();
        var e = experiment(1, "one");
        s.write(c -> c.insert(e));
        var stopped = e.withState(ExperimentState.STOPPED, T0.plusSeconds(9), "stopped by the user");
        s.write(c -> c.update(stopped));
        s = reopen(s);
        StoredExperiment read = s.experiments().getFirst();
        assertThat(read.state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(read.stopReason()).isEqualTo("stopped by the user");
        assertThat(read.updated()).isEqualTo(T0.plusSeconds(9));
        assertThat(read.runningMillis()).isEqualTo(stopped.runningMillis());
        assertThat(read.runningSince()).isEqualTo(stopped.runningSince());
        assertThat(read.seed()).isEqualTo(42);
        assertThat(read.created()).isEqualTo(T0);
        s.close();
    }

    @Test
    void trialsReadBackInNumberOrderWithinTheirOwnExperiment() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
        });
        s.write(c -> c.insert(trial(12, 1, 2)));
        s.write(c -> c.insert(trial(10, 1, 0)));
        s.write(c -> c.insert(trial(11, 2, 0)));
        s.write(c -> c.insert(trial(13, 1, 1)));
        assertThat(s.trials(1)).extracting(t -> t.trial().number()).containsExactly(0, 1, 2);
        assertThat(s.trials(1)).extracting(StoredTrial::id).containsExactly(10L, 13L, 12L);
        assertThat(s.trials(2)).extracting(StoredTrial::id).containsExactly(11L);
        assertThat(s.trials(3)).isEmpty();
        s.close();
    }

    @Test
    void theIndexFindsAnExperimentByIdNameAndTrialAndThoseWithLeasesWithoutReadingTheRest() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
            c.insert(experiment(3, "three"));
            c.insert(trial(10, 1, 1));
            c.insert(trial(11, 1, 0));
            c.insert(trial(12, 2, 0).withLease("lease-a", T0.plusSeconds(30), 0));
        });
        var done = new Trial(10, 1, 1, Map.of("x", 0.5), TrialState.COMPLETE, Map.of("loss", 0.25), null, null, null, T0, T0,
                T0.plusSeconds(9), "w:1", null, Map.of("host", "h"), null);
        s.write(c -> {
            c.update(StoredTrial.of(done));
            c.insertReport(10, new Report(1, Map.of("loss", 0.5), T0));
        });
        s = reopen(s);
        ExperimentIndex index = s.index();
        assertThat(index.experiment(2)).hasValueSatisfying(e -> assertThat(e.name()).isEqualTo("two"));
        assertThat(index.experiment(4)).isEmpty();
        assertThat(index.experimentNamed("three")).hasValueSatisfying(e -> assertThat(e.id()).isEqualTo(3));
        assertThat(index.experimentNamed("four")).isEmpty();
        assertThat(index.experimentOfTrial(12)).hasValue(2);
        assertThat(index.experimentOfTrial(99)).isEmpty();
        assertThat(index.experimentsWithLeases()).containsExactly(2L);
        ExperimentIndex.Tally one = index.tally(1);
        assertThat(one.counts()).isEqualTo(Map.of(TrialState.COMPLETE, 1, TrialState.RUNNING, 1));
        assertThat(one.lastActivity()).isEqualTo(T0.plusSeconds(9));
        assertThat(one.complete()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(10);
            assertThat(t.number()).isEqualTo(1);
            assertThat(t.values()).isEqualTo(Map.of("loss", 0.25));
            assertThat(t.params()).as("what a summary does not need is not read").isEmpty();
            assertThat(t.reports()).isEmpty();
        });
        assertThat(index.tally(3)).isEqualTo(new ExperimentIndex.Tally(Map.of(), null, List.of(), 0));
        var complete = new ArrayList<Trial>();
        assertThat(index.tallies(complete::add)).isEqualTo(Map.of(
                1L, new ExperimentIndex.Tally(one.counts(), one.lastActivity(), List.of(), 0),
                2L, new ExperimentIndex.Tally(Map.of(TrialState.RUNNING, 1), T0, List.of(), 0)));
        assertThat(complete).isEqualTo(one.complete());
        s.write(c -> c.putLabels(3, "{\"tags\":[\"a\"]}"));
        assertThat(index.labels()).isEqualTo(Map.of(3L, "{\"tags\":[\"a\"]}"));
        s.close();
    }

    @Test
    void aTallyCountsTheImportedTrialsByTheProvenanceTheServerWroteForThem() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
        });
        // Imported as the server stores them (the one key "imported"), told with other provenance, a tag named "imported".
        var imported = new Trial(20, 1, 0, Map.of("x", 0.1), TrialState.COMPLETE, Map.of("loss", 0.5), null, null, null, T0, T0, T0,
                null, null, Map.of("imported", Map.of("from", "older", "trial", 7)), null);
        var importedFailed = new Trial(21, 1, 1, Map.of("x", 0.2), TrialState.FAILED, Map.of(), null, null, null, T0, T0, T0,
                null, "diverged", Map.of("imported", Map.of("from", "csv", "row", 3)), null);
        var told = new Trial(22, 1, 2, Map.of("x", 0.3), TrialState.COMPLETE, Map.of("loss", 0.4), null, null, null, T0, T0, T0,
                "w:1", null, Map.of("host", "h", "tags", Map.of("imported", "yes")), null);
        var plain = new Trial(23, 2, 0, Map.of("x", 0.4), TrialState.COMPLETE, Map.of("loss", 0.3), null, null, null, T0, T0, T0,
                "w:1", null, Map.of(), null);
        s.write(c -> List.of(imported, importedFailed, told, plain).forEach(t -> c.insert(StoredTrial.of(t))));
        s = reopen(s);
        assertThat(s.index().tally(1).imported()).isEqualTo(2);
        assertThat(s.index().tally(2).imported()).isZero();
        var tallies = s.index().tallies(t -> { });
        assertThat(tallies.get(1L).imported()).isEqualTo(2);
        assertThat(tallies.get(2L).imported()).isZero();
        s.close();
    }

    @Test
    void theLargestTrialIdCountsEveryExperiment() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
            c.insert(trial(5, 1, 0));
            c.insert(trial(42, 2, 0));
            c.insert(trial(7, 1, 1));
        });
        assertThat(s.maxTrialId()).isEqualTo(42);
        s = reopen(s);
        assertThat(s.maxTrialId()).isEqualTo(42);
        s.close();
    }

    @Test
    void aTrialUpdateReplacesEveryFieldAndCanClearTheLease() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        var t = trial(1, 1, 0);
        s.write(c -> c.insert(t.withLease("lease-a", T0.plusSeconds(30), 2)));
        var failed = new Trial(1, 1, 0, t.trial().params(), TrialState.FAILED, null, null, null, null, T0, T0,
                T0.plusSeconds(4), "w:2", "out of memory", Map.of("jvm", "25"), null);
        s.write(c -> c.update(StoredTrial.of(failed).withLease(null, null, 3)));
        s = reopen(s);
        StoredTrial read = s.trials(1).getFirst();
        assertThat(read.trial().state()).isEqualTo(TrialState.FAILED);
        assertThat(read.trial().error()).isEqualTo("out of memory");
        assertThat(read.trial().worker()).isEqualTo("w:2");
        assertThat(read.trial().provenance()).containsEntry("jvm", "25");
        assertThat(read.trial().finished()).isEqualTo(T0.plusSeconds(4));
        assertThat(read.leaseId()).isNull();
        assertThat(read.leaseExpires()).isNull();
        assertThat(read.attempts()).isEqualTo(3);
        s.close();
    }

    @Test
    void emptyValuesRepetitionsStatisticsAndProvenanceReadBackEmpty() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        s.write(c -> c.insert(trial(1, 1, 0)));
        s = reopen(s);
        Trial read = s.trials(1).getFirst().trial();
        assertThat(read.values()).isEmpty();
        assertThat(read.repetitions()).isEmpty();
        assertThat(read.statistics()).isEmpty();
        assertThat(read.provenance()).isEmpty();
        assertThat(read.reports()).isEmpty();
        assertThat(read.finished()).isNull();
        s.close();
    }

    @Test
    void paramsKeepTheirOrderAndTheirTypes() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        var params = new LinkedHashMap<String, Object>();
        params.put("z", 3);
        params.put("a", 0.125);
        params.put("flag", true);
        params.put("name", "adam");
        var t = new Trial(1, 1, 0, params, TrialState.RUNNING, null, null, null, null, T0, T0, null, null, null, null, null);
        s.write(c -> c.insert(StoredTrial.of(t)));
        s = reopen(s);
        assertThat(s.trials(1).getFirst().trial().params())
                .containsExactly(Map.entry("z", 3), Map.entry("a", 0.125), Map.entry("flag", true), Map.entry("name", "adam"));
        s.close();
    }

    @Test
    void aDuplicateExperimentNameIsRefusedAndTheFirstStays() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "same")));
        assertThatThrownBy(() -> s.write(c -> c.insert(experiment(2, "same")))).isInstanceOf(RuntimeException.class);
        assertThat(s.experiments()).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(1));
        s.close();
    }

    @Test
    void aTrialNumberIsStoredOncePerExperiment() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
            c.insert(trial(1, 1, 0));
        });
        assertThatThrownBy(() -> s.write(c -> c.insert(trial(2, 1, 0)))).isInstanceOf(RuntimeException.class);
        s.write(c -> c.insert(trial(3, 2, 0)));
        assertThat(s.trials(1)).extracting(StoredTrial::id).containsExactly(1L);
        assertThat(s.trials(2)).extracting(StoredTrial::id).containsExactly(3L);
        s.close();
    }

    @Test
    void oneWriteIsAtomicAcrossExperimentsTrialsReportsAndModels() {
        Storage first = open();
        first.write(c -> c.insert(experiment(1, "one")));
        assertThatThrownBy(() -> first.write(c -> {
            c.update(experiment(1, "one").withState(ExperimentState.PAUSED, T0.plusSeconds(1), null));
            c.insert(trial(1, 1, 0));
            c.insertReport(1, new Report(1, Map.of("loss", 1.0), T0));
            c.putModel(1, new byte[]{1});
            c.putDataReport(1, "{}");
            c.insert(trial(2, 1, 0)); // the same number again: the whole write fails
        })).isInstanceOf(RuntimeException.class);
        Storage s = reopen(first);
        assertThat(s.experiments().getFirst().state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(s.trials(1)).isEmpty();
        assertThat(s.model(1)).isEmpty();
        assertThat(s.dataReport(1)).isEmpty();
        assertThat(s.maxTrialId()).isZero();
        s.close();
    }

    @Test
    void concurrentWritersAllLandAndEachSeesItsOwnWriteAtOnce() throws Exception {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        try (var pool = Executors.newFixedThreadPool(16)) {
            var futures = new ArrayList<java.util.concurrent.Future<Boolean>>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    s.write(c -> {
                        c.insert(trial(1 + n, 1, n));
                        c.insertReport(1 + n, new Report(1, Map.of("loss", (double) n), T0));
                    });
                    return s.maxTrialId() >= 1 + n;
                }));
            }
            for (var f : futures) {
                assertThat(f.get()).isTrue();
            }
        }
        Storage again = reopen(s);
        var trials = again.trials(1);
        assertThat(trials).hasSize(400);
        assertThat(trials).allSatisfy(t -> assertThat(t.trial().reports()).singleElement()
                .satisfies(r -> assertThat(r.values().get("loss")).isEqualTo((double) t.trial().number())));
        again.close();
    }

    @Test
    void laterWritesOfOneCallerWinOverItsEarlierOnes() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        var t = trial(1, 1, 0);
        s.write(c -> c.insert(t));
        for (int i = 1; i <= 20; i++) {
            int attempt = i;
            s.write(c -> c.update(t.withLease("lease-" + attempt, T0.plusSeconds(attempt), attempt)));
        }
        s = reopen(s);
        assertThat(s.trials(1).getFirst().leaseId()).isEqualTo("lease-20");
        assertThat(s.trials(1).getFirst().attempts()).isEqualTo(20);
        s.close();
    }

    @Test
    void everythingSurvivesSeveralReopenings() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        for (int round = 0; round < 3; round++) {
            int n = round;
            s.write(c -> c.insert(trial(1 + n, 1, n)));
            s = reopen(s);
            assertThat(s.trials(1)).hasSize(round + 1);
        }
        assertThat(s.maxTrialId()).isEqualTo(3);
        s.close();
    }

    @Test
    void aWriteAfterCloseIsRefusedAsUnavailable() {
        Storage s = open();
        s.close();
        assertThatThrownBy(() -> s.write(c -> c.insert(experiment(1, "one"))))
                .isInstanceOfSatisfying(io.tunelab.api.TunelabException.class,
                        e -> assertThat(e.code()).isEqualTo(io.tunelab.api.ErrorCode.UNAVAILABLE));
    }

}
