package io.tunelab.server.storage;

import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage contract's cases about the stored answers to request ids: they read back after
 * reopening, and {@link Storage.Changes#deleteAnswers} deletes the oldest of those stored before
 * a time, at most a given number per write, and nothing else; a tell's answer kept in its trial's
 * row is found by the trial and the id together and outlives pruning.
 */
public abstract class StorageAnswersContract extends StorageAttachmentsContract {

    /** An experiment with a finished trial (a report, a model) and a running one, as pruning must leave them. */
    private static void writeExperimentWithTrials(Storage s) {
        var done = new Trial(1, 1, 0, Map.of("x", 0.5), TrialState.COMPLETE, Map.of("loss", 0.5), null, null, null, T0, T0,
                T0.plusSeconds(3), "w:1", null, null, null);
        s.write(c -> {
            c.insert(experiment(1, "kept"));
            c.insert(StoredTrial.of(done));
            c.insert(trial(2, 1, 1));
            c.insertReport(1, new Report(1, Map.of("loss", 0.7), T0));
            c.putModel(1, new byte[]{4, 2});
            c.putDataReport(1, "{\"usable\":true}");
        });
    }

    private static void putAnswers(Storage s, String prefix, int count, Instant first) {
        s.write(c -> {
            for (int i = 0; i < count; i++) {
                c.putAnswer(prefix + i, "tell:1", "{\"kind\":\"tell:1\",\"answer\":" + i + "}", first.plusSeconds(i));
            }
        });
    }

    private static int deleteAnswers(Storage s, Instant before, int limit) {
        int[] deleted = new int[1];
        s.write(c -> deleted[0] = c.deleteAnswers(before, limit));
        return deleted[0];
    }

    @Test
    void answersStoredBeforeTheCutoffAreDeletedThoseAfterItStayAndNothingElseIsTouched() {
        Storage s = open();
        writeExperimentWithTrials(s);
        putAnswers(s, "old-", 3, T0.minus(Duration.ofHours(30)));
        putAnswers(s, "new-", 2, T0.minus(Duration.ofHours(1)));
        List<StoredTrial> before = s.trials(1);

        assertThat(deleteAnswers(s, T0.minus(Duration.ofHours(24)), 100)).isEqualTo(3);

        Storage again = reopen(s);
        assertThat(List.of("old-0", "old-1", "old-2")).allSatisfy(id -> assertThat(again.answer(id)).as(id).isEmpty());
        assertThat(again.answer("new-0")).hasValue("{\"kind\":\"tell:1\",\"answer\":0}");
        assertThat(again.answer("new-1")).isPresent();
        assertThat(again.trials(1)).as("trials, their values and reports as they were").isEqualTo(before);
        assertThat(again.experiments()).extracting(StoredExperiment::name).containsExactly("kept");
        assertThat(again.model(1)).hasValueSatisfying(b -> assertThat(b).containsExactly(4, 2));
        assertThat(again.dataReport(1)).hasValue("{\"usable\":true}");
        assertThat(again.maxTrialId()).isEqualTo(2);
        again.close();
    }

    @Test
    void oneDeleteTakesAtMostItsLimitOldestFirst() {
        Storage s = open();
        putAnswers(s, "a-", 5, T0);

        assertThat(deleteAnswers(s, T0.plusSeconds(60), 2)).isEqualTo(2);
        assertThat(s.answer("a-0")).isEmpty();
        assertThat(s.answer("a-1")).isEmpty();
        assertThat(s.answer("a-2")).as("younger than the two deleted").isPresent();
        assertThat(deleteAnswers(s, T0.plusSeconds(60), 2)).isEqualTo(2);
        assertThat(deleteAnswers(s, T0.plusSeconds(60), 2)).isEqualTo(1);
        assertThat(deleteAnswers(s, T0.plusSeconds(60), 2)).isZero();
        assertThat(s.answer("a-4")).isEmpty();
        s.close();
    }

    @Test
    void aTellsAnswerKeptInItsTrialsRowIsFoundByTheTrialAndItsIdAndIsNotPruned() {
        Storage s = open();
        writeExperimentWithTrials(s);
        StoredTrial running = s.trials(1).get(1);
        var done = new Trial(2, 1, 1, running.trial().params(), TrialState.COMPLETE, Map.of("loss", 0.25), null, null, null, T0, T0,
                T0.plusSeconds(5), "w:2", null, null, null);
        s.write(c -> c.update(StoredTrial.of(done), "tell-2", "{\"kind\":\"tell:2\",\"trial\":2}"));

        assertThat(deleteAnswers(s, T0.plus(Duration.ofDays(400)), 100)).as("pruning leaves the rows of trials").isZero();
        s = reopen(s);

        assertThat(s.toldAnswer(2, "tell-2")).hasValue("{\"kind\":\"tell:2\",\"trial\":2}");
        assertThat(s.toldAnswer(2, "tell-3")).as("another id").isEmpty();
        assertThat(s.toldAnswer(1, "tell-2")).as("another trial").isEmpty();
        assertThat(s.toldAnswer(99, "tell-2")).as("no such trial").isEmpty();
        assertThat(s.answer("tell-2")).as("no row of the request table").isEmpty();
        assertThat(s.trials(1).get(1).trial()).as("the row written with it").isEqualTo(done);

        s.write(c -> c.update(StoredTrial.of(done), "tell-4", "{\"kind\":\"tell:2\",\"trial\":2,\"again\":true}"));
        assertThat(s.toldAnswer(2, "tell-2")).as("a later tell's answer replaces it").isEmpty();
        assertThat(s.toldAnswer(2, "tell-4")).hasValue("{\"kind\":\"tell:2\",\"trial\":2,\"again\":true}");
        s.write(c -> c.update(StoredTrial.of(done)));
        assertThat(s.toldAnswer(2, "tell-4")).as("a write of the row without a tell leaves it").isPresent();
        s.close();
    }

    @Test
    void anAnswerInsideTheWindowReadsBackTheSameAfterReopening() {
        Storage s = open();
        putAnswers(s, "r-", 1, T0);

        assertThat(deleteAnswers(s, T0, 10)).as("stored at the cutoff, not before it").isZero();
        s = reopen(s);

        assertThat(s.answer("r-0")).hasValue("{\"kind\":\"tell:1\",\"answer\":0}");
        s.close();
    }
}
