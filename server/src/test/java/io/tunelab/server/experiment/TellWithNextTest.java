package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Param;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.ProposalContext;
import io.tunelab.server.strategy.SearchStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tell that brings the next trial, on a real H2 file: one write (one commit) holds the tell, the
 * next trial and both answers; the next trial is proposed from the history with the told result;
 * a failed write changes nothing; a retry answers the same trial; with no trial due the tell is
 * still recorded and the reply says why.
 */
class TellWithNextTest {
    @TempDir
    Path dir;
    FailingStorage storage;
    ExperimentService service;
    ExperimentQueries queries;
    /** The history each proposal of the strategy saw. */
    final List<List<Trial>> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        storage = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        var coordinator = Coordinator.open(storage, Instant::now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null, (spec, seed) -> new SearchStrategy() {
                    @Override
                    public Map<String, Object> propose(ProposalContext context) {
                        seen.add(context.history());
                        return Map.of("x", context.number() / 100.0);
                    }

                    @Override
                    public Object suggest(ProposalContext context, String name, Param param) {
                        return 0.5;
                    }
                });
        service = coordinator.experiments();
        queries = coordinator.queries();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private long create(String name, Budget budget) {
        return service.create(ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).build()
                .withBudget(budget)).id();
    }

    private Trial stored(long experimentId, long trialId) {
        return storage.trials(experimentId).stream().map(StoredTrial::trial).filter(t -> t.id() == trialId).findFirst().orElseThrow();
    }

    @Test
    void aTellWithNextIsOneWriteAndTheNextTrialIsProposedFromTheHistoryWithTheToldResult() {
        long id = create("one-write", Budget.trials(10));
        TrialProposal first = service.ask("one-write");
        int before = storage.written();

        TellReply reply = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, "tell-a");

        assertThat(storage.written()).as("the tell, the next trial and the tell's answer in one commit").isEqualTo(before + 1);
        assertThat(reply.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(reply.next().number()).isEqualTo(1);
        assertThat(seen.getLast()).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t.values()).containsEntry("loss", 0.25);
        });
        assertThat(stored(id, first.id()).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(stored(id, reply.next().id()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(storage.answer(Requests.nextOf("tell-a"))).as("the next trial rides in the tell's answer").isEmpty();
        assertThat(storage.toldAnswer(reply.trial(), "tell-a")).get().asString().contains("\"next\":{\"id\":" + reply.next().id());
        assertThat(queries.experiment("one-write").summary().trials())
                .containsEntry(TrialState.COMPLETE, 1).containsEntry(TrialState.RUNNING, 1);
    }

    @Test
    void underAParallelLimitTheTellFreesThePlaceOfTheNextTrialInTheSameWrite() {
        create("parallel", new Budget(10, 1, null));
        TrialProposal first = service.ask("parallel");
        int before = storage.written();

        TellReply reply = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 1.0)), null, (String) null);

        assertThat(storage.written()).isEqualTo(before + 1);
        assertThat(reply.next().number()).isEqualTo(1);
        assertThat(seen.getLast()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
    }

    @Test
    void aFailedWriteRecordsNeitherTheTellNorTheNextTrialAndItsRetryGetsTheNumberItWouldHaveHad() {
        long id = create("failing", Budget.trials(10));
        TrialProposal first = service.ask("failing");
        storage.failNextWrite();

        assertThatThrownBy(() -> service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-f"))
                .hasMessageContaining("the disk is full");

        assertThat(storage.trials(id)).singleElement().satisfies(t -> assertThat(t.trial().state()).isEqualTo(TrialState.RUNNING));
        assertThat(storage.toldAnswer(first.id(), "tell-f")).isEmpty();
        assertThat(queries.experiment("failing").summary().trials()).containsEntry(TrialState.RUNNING, 1)
                .doesNotContainKey(TrialState.COMPLETE);
        TellReply retried = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-f");
        assertThat(retried.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(retried.next().number()).as("the failed write's number was given back").isEqualTo(1);
        assertThat(storage.trials(id)).hasSize(2);
    }

    @Test
    void aRetryAnswersTheSameTellAndTheSameNextTrialAndWritesNothing() {
        long id = create("retried", Budget.trials(10));
        TrialProposal first = service.ask("retried");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        TellReply reply = service.tellThenAsk(first.id(), result, null, "tell-r");
        int before = storage.written();

        TellReply retried = service.tellThenAsk(first.id(), result, null, "tell-r");

        assertThat(retried).isEqualTo(reply);
        assertThat(storage.trials(id)).hasSize(2);
        assertThat(storage.written()).isEqualTo(before);
    }

    @Test
    void withTheBudgetSpentTheTellIsRecordedAndTheReplySaysWhyNoTrialFollows() {
        long id = create("spent", Budget.trials(1));
        TrialProposal only = service.ask("spent");

        TellReply reply = service.tellThenAsk(only.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-s");

        assertThat(reply.next()).isNull();
        assertThat(reply.noNext().code()).isEqualTo(ErrorCode.EXPERIMENT_NOT_RUNNING);
        assertThat(stored(id, only.id()).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(queries.experiment("spent").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(service.tellThenAsk(only.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-s").noNext())
                .as("a retry answers the same").isNotNull();
    }

    @Test
    void aPausedExperimentRecordsTheTellAndHandsOutNoTrial() {
        long id = create("paused", Budget.trials(10));
        TrialProposal first = service.ask("paused");
        service.pause("paused");

        TellReply reply = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 0.5)), null, (String) null);

        assertThat(reply.noNext().code()).isEqualTo(ErrorCode.EXPERIMENT_NOT_RUNNING);
        assertThat(storage.trials(id)).singleElement().satisfies(t -> assertThat(t.trial().state()).isEqualTo(TrialState.COMPLETE));
    }

    @Test
    void theTellThatDoesNotWaitAnswersOnceTheOneWriteIsCommittedAndApplied() throws Exception {
        long id = create("later", Budget.trials(10));
        TrialProposal first = service.ask("later");
        int before = storage.written();
        // No step of this tell may need a thread that waits: an executor that refuses all work fails the
        // answer if one is asked for. (Which thread completes the future cannot be checked without a
        // race: a callback attached after completion runs on the caller.)
        java.util.concurrent.Executor none = r -> {
            throw new AssertionError("the tell with next asked for a waiting thread");
        };

        TellReply reply = service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, "tell-l",
                none).get(10, TimeUnit.SECONDS);

        assertThat(storage.written()).as("the tell, the next trial and the tell's answer in one commit").isEqualTo(before + 1);
        assertThat(reply.next().number()).isEqualTo(1);
        assertThat(stored(id, first.id()).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(stored(id, reply.next().id()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(queries.experiment("later").summary().trials())
                .as("applied to memory before the answer").containsEntry(TrialState.COMPLETE, 1).containsEntry(TrialState.RUNNING, 1);
        TellReply next = service.tellThenAskLater(reply.next().id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-l2",
                Runnable::run).get(10, TimeUnit.SECONDS);
        assertThat(next.next().number()).as("the next trial is known by its id at once").isEqualTo(2);
        assertThat(service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, "tell-l",
                Runnable::run).get(10, TimeUnit.SECONDS)).as("a retry answers the same").isEqualTo(reply);
    }

    @Test
    void whenTheWriteThatDoesNotWaitFailsNothingIsRecordedAndTheRetryGetsTheSameNumber() throws Exception {
        long id = create("later-failing", Budget.trials(10));
        TrialProposal first = service.ask("later-failing");
        storage.failNextWrite();

        assertThatThrownBy(() -> service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-lf",
                Runnable::run).get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the disk is full");

        assertThat(storage.trials(id)).singleElement().satisfies(t -> assertThat(t.trial().state()).isEqualTo(TrialState.RUNNING));
        assertThat(storage.toldAnswer(first.id(), "tell-lf")).isEmpty();
        TellReply retried = service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-lf",
                Runnable::run).get(10, TimeUnit.SECONDS);
        assertThat(retried.next().number()).as("the failed write's number was given back").isEqualTo(1);
        assertThat(storage.trials(id)).hasSize(2);
    }

    @Test
    void withTheBudgetSpentTheTellThatDoesNotWaitGoesOnOnTheExecutorItIsGiven() throws Exception {
        long id = create("later-spent", Budget.trials(1));
        TrialProposal only = service.ask("later-spent");
        var executed = new java.util.concurrent.atomic.AtomicInteger();

        TellReply reply = service.tellThenAskLater(only.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-ls", task -> {
            executed.incrementAndGet();
            task.run();
        }).get(10, TimeUnit.SECONDS);

        assertThat(executed).hasValue(1);
        assertThat(reply.noNext().code()).isEqualTo(ErrorCode.EXPERIMENT_NOT_RUNNING);
        assertThat(stored(id, only.id()).state()).isEqualTo(TrialState.COMPLETE);
    }
}
