package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Racing;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredTrial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The ask and the tell made on a thread that must never wait (the event loop that took the
 * request), on a real H2 file: made there only when nothing in them can wait (the experiment in
 * memory, a quick strategy for a new trial, no race, no parallel limit for a tell with next, no
 * trial waiting and no refusal for an ask), answered as the waiting forms answer, and declined
 * having changed nothing otherwise; a write under way that holds a row of the step is waited for
 * on the executor given, not on the calling thread.
 */
class CallsHereTest {
    @TempDir
    Path dir;
    FailingStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** The executor given for what may wait: counts what it is handed, runs it on a virtual thread. */
    final AtomicInteger handed = new AtomicInteger();
    final Executor waiting = task -> {
        handed.incrementAndGet();
        threads.execute(task);
    };

    private void open(Duration evictIdleAfter) {
        storage = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        coordinator = Coordinator.open(storage, Instant::now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withMemory(100, evictIdleAfter), null);
        service = coordinator.experiments();
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        storage.close();
    }

    private static ExperimentSpec.Builder spec(String name, String strategy) {
        return ExperimentSpec.builder(name).minimize("loss").param("lr", FloatParam.log(1e-4, 1e-1))
                .param("layers", IntParam.of(1, 4)).strategy(strategy).seed(7L).budget(Budget.trials(100));
    }

    /** Opens the coordinator, its experiments kept in memory, with one experiment of {@code strategy}: its id. */
    private long created(String name, String strategy) {
        open(Duration.ofHours(1));
        return service.create(spec(name, strategy).build()).id();
    }

    private Trial stored(long experimentId, long trialId) {
        return storage.trials(experimentId).stream().map(StoredTrial::trial).filter(t -> t.id() == trialId).findFirst().orElseThrow();
    }

    @Test
    void aTellWithNextOfARandomSearchIsMadeHereAndAnswersAsTheWaitingForm() throws Exception {
        long id = created("here", "random");
        TrialProposal first = service.ask("here");
        int before = storage.written();

        CompletableFuture<TellReply> here = service.tellThenAskHere(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null,
                RequestKey.of("tell-h"), waiting);

        assertThat(here).as("made here").isNotNull();
        TellReply reply = here.get(10, TimeUnit.SECONDS);
        assertThat(handed).as("nothing handed to a thread that may wait").hasValue(0);
        assertThat(storage.written()).as("the tell, the next trial and the tell's answer in one commit").isEqualTo(before + 1);
        assertThat(reply.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(reply.next().number()).isEqualTo(1);
        assertThat(stored(id, first.id()).values()).containsEntry("loss", 0.25);
        assertThat(stored(id, reply.next().id()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, RequestKey.of("tell-h"),
                Runnable::run).get(10, TimeUnit.SECONDS)).as("its retry, made where it may wait, answers the same").isEqualTo(reply);

        Trial told = service.tellHere(reply.next().id(), TrialResult.complete(Map.of("loss", 0.5)), null, RequestKey.of("tell-p"), waiting)
                .get(10, TimeUnit.SECONDS);
        assertThat(told.state()).as("a plain tell, made here too").isEqualTo(TrialState.COMPLETE);
        assertThat(stored(id, told.id()).values()).containsEntry("loss", 0.5);
        assertThat(handed).hasValue(0);
    }

    @Test
    void aStrategyThatLearnsLeavesTheTellWithNextToAThreadThatMayWaitAndNothingChanges() throws Exception {
        long id = created("tpe", "tpe");
        TrialProposal first = service.ask("tpe");
        int before = storage.written();

        assertThat(service.tellThenAskHere(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, RequestKey.of("t-1"), waiting))
                .as("a model's proposal is not made on an event loop").isNull();

        assertThat(storage.written()).isEqualTo(before);
        assertThat(stored(id, first.id()).state()).isEqualTo(TrialState.RUNNING);
        TellReply reply = service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, RequestKey.of("t-1"),
                waiting).get(10, TimeUnit.SECONDS);
        assertThat(reply.next().number()).as("no number was taken by the declined call").isEqualTo(1);
        assertThat(service.tellHere(reply.next().id(), TrialResult.complete(Map.of("loss", 0.5)), null, RequestKey.of("t-2"), waiting))
                .as("a plain tell proposes nothing: made here").isNotNull();
    }

    @Test
    void aRandomSearchOverDiscreteParamsAloneIsNotQuick() {
        open(Duration.ofHours(1));
        service.create(ExperimentSpec.builder("discrete").minimize("loss").param("layers", IntParam.of(1, 4))
                .param("act", CategoricalParam.of("relu", "tanh")).strategy("random").budget(Budget.trials(8)).build());
        TrialProposal first = service.ask("discrete");

        assertThat(service.tellThenAskHere(first.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting))
                .as("near its exhaustion the next configuration is looked for over the space").isNull();
        assertThat(service.tellHere(first.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting)).isNotNull();
    }

    @Test
    void aRaceOrAParallelLimitLeavesTheTellToAThreadThatMayWait() {
        open(Duration.ofHours(1));
        service.create(spec("raced", "random").racing(Racing.of(2, 3)).build());
        service.create(spec("parallel", "random").budget(new Budget(100, 2, null)).build());
        TrialProposal raced = service.ask("raced");
        TrialProposal parallel = service.ask("parallel");

        assertThat(service.tellHere(raced.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting))
                .as("a repetition's tell reads its race").isNull();
        assertThat(service.tellThenAskHere(raced.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting)).isNull();
        assertThat(service.tellThenAskHere(parallel.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting))
                .as("the next trial's place under budget.parallel is decided in one step with the tell").isNull();
        assertThat(service.tellHere(parallel.id(), TrialResult.complete(Map.of("loss", 1.0)), null, null, waiting)).isNotNull();
        assertThat(handed).hasValue(0);
    }

    @Test
    void aRetryOfATellWhoseExperimentWasEvictedIsNotMadeHereAndLoadsNothing() throws Exception {
        open(Duration.ZERO);
        service.create(spec("evicted", "random").build());
        TrialProposal first = service.ask("evicted");
        TellReply reply = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, "tell-e");
        service.tell(reply.next().id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-e2");
        coordinator.leases().reapQuietly();
        assertThat(coordinator.queries().loadedExperiments()).as("idle and settled: evicted").isZero();

        assertThat(service.tellThenAskHere(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, RequestKey.of("tell-e"), waiting))
                .as("finding the trial's experiment would read the database").isNull();
        assertThat(coordinator.queries().loadedExperiments()).as("nothing loaded here").isZero();

        assertThat(service.tellThenAskLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null, RequestKey.of("tell-e"),
                waiting).get(10, TimeUnit.SECONDS)).as("where it may wait, the retry is answered as the first").isEqualTo(reply);
    }

    @Test
    void aWriteUnderWayThatHoldsTheTrialsRowIsWaitedForOnTheExecutorNotHere() throws Exception {
        long id = created("held", "random");
        TrialProposal first = service.ask("held");
        CompletableFuture<Void> gate = storage.holdNextWriteLater();
        CompletableFuture<Trial> underWay = service.tellLater(first.id(), TrialResult.complete(Map.of("loss", 0.25)), null,
                RequestKey.of("tell-1"), Runnable::run);

        CompletableFuture<Trial> second = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> service.tellHere(first.id(),
                TrialResult.complete(Map.of("loss", 0.75)), null, RequestKey.of("tell-2"), waiting), "the call waited for the write under way");

        assertThat(second).as("made here until it met the held row").isNotNull();
        assertThat(handed).as("the rest handed to a thread that may wait").hasValue(1);
        assertThat(second).isNotDone();
        gate.complete(null);
        assertThat(underWay.get(10, TimeUnit.SECONDS).values()).containsEntry("loss", 0.25);
        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRIAL_FINISHED));
        assertThat(stored(id, first.id()).values()).as("the first tell stands").containsEntry("loss", 0.25);
    }

    @Test
    void anAskOfARandomSearchIsMadeHereAndItsRetryAnswersTheSame() throws Exception {
        long id = created("ask-here", "random");
        int before = storage.written();

        CompletableFuture<TrialProposal> here = service.askHere("ask-here", false, RequestKey.of("ask-1"), waiting);

        assertThat(here).as("made here").isNotNull();
        TrialProposal first = here.get(10, TimeUnit.SECONDS);
        assertThat(first.number()).isZero();
        assertThat(storage.written()).as("the trial and the ask's answer in one commit").isEqualTo(before + 1);
        assertThat(stored(id, first.id()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(service.askHere(String.valueOf(id), false, null, waiting).get(10, TimeUnit.SECONDS).number())
                .as("found by its id too").isEqualTo(1);
        assertThat(handed).hasValue(0);
        assertThat(service.askLater("ask-here", false, RequestKey.of("ask-1"), Runnable::run).get(10, TimeUnit.SECONDS))
                .as("its retry, where it may wait, answers the first trial").isEqualTo(first);
    }

    @Test
    void anAskThatMightWaitIsDeclinedHavingChangedNothing() throws Exception {
        open(Duration.ofHours(1));
        service.create(spec("learns", "tpe").build());
        service.create(spec("queued", "random").build());
        service.create(spec("spent", "random").budget(Budget.trials(2)).build());
        coordinator.queue().enqueue("queued", Map.of("lr", 0.01, "layers", 2), null);
        TrialProposal told = service.ask("spent");
        service.ask("spent");
        service.tell(told.id(), TrialResult.complete(Map.of("loss", 1.0)));
        int before = storage.written();

        assertThat(service.askHere("learns", false, null, waiting)).as("a model's proposal").isNull();
        assertThat(service.askHere("queued", false, null, waiting)).as("a waiting trial's hand-out").isNull();
        assertThat(service.askHere("spent", false, null, waiting)).as("a refusal, which may complete the experiment").isNull();
        assertThat(service.askHere("nobody", false, null, waiting)).as("a name not known here").isNull();

        assertThat(storage.written()).isEqualTo(before);
        assertThat(handed).hasValue(0);
        assertThat(service.ask("learns").number()).as("no number was taken").isZero();
        assertThat(service.ask("queued").params()).as("the waiting trial goes to the next ask").containsEntry("layers", 2);
        assertThatThrownBy(() -> service.ask("spent")).isInstanceOfSatisfying(TunelabException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED));
        assertThatThrownBy(() -> service.ask("nobody")).isInstanceOfSatisfying(TunelabException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
