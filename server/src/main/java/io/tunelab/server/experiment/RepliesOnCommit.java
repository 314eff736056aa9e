package io.tunelab.server.experiment;

import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.server.storage.StoredTrial;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The SDK's ask, tell and tell with next for a caller that does not wait for the commit (the
 * HTTP routes): each refuses and plans at once on the caller's thread, queues its one write, and
 * answers a future that the thread that commits completes once the write is committed and
 * applied to memory, so no thread waits for the commit and none is woken again to answer. What
 * would read or write storage after the write (a retry's stored answer, the experiment completing
 * on its last trial, an ask after a tell that brought no trial) goes on on the executor the caller
 * gives, as the waiting forms in {@link ExperimentService} do it. Every answer is still given
 * after its commit. Thread-safe.
 */
final class RepliesOnCommit {
    private final ExperimentService service;
    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Proposals proposals;
    private final TellWithNext tellWithNext;
    private final Requests requests;
    private final WorkSignal work;
    private final StorageClock clock;

    RepliesOnCommit(ExperimentService service, ExperimentRegistry registry, Journal journal, Proposals proposals,
                    TellWithNext tellWithNext, Requests requests, WorkSignal work, StorageClock clock) {
        this.service = service;
        this.registry = registry;
        this.journal = journal;
        this.proposals = proposals;
        this.tellWithNext = tellWithNext;
        this.requests = requests;
        this.work = work;
        this.clock = clock;
    }

    /** {@link ExperimentService#ask(String, boolean, String)}, answered on commit. */
    CompletableFuture<TrialProposal> ask(String ref, boolean leased, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        return ask(registry.find(ref), leased, requestId, blocking, null);
    }

    /**
     * {@link #ask(String, boolean, RequestKey, Executor)} on a thread that must never wait, as
     * {@link #tellHere}: null, having changed nothing, unless the experiment is in memory
     * ({@link ExperimentRegistry#findInMemory}), not racing, with no trial waiting to be handed out
     * (its hand-out is written before the answer) and a {@link io.tunelab.server.strategy.SearchStrategy#quick
     * quick} strategy, and unless the ask would be refused (a refusal may complete the experiment, a write).
     */
    CompletableFuture<TrialProposal> askHere(String ref, boolean leased, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        LiveExperiment e = registry.findInMemory(ref);
        if (e == null) {
            return null;
        }
        var spec = e.spec();
        boolean here = spec.racing() == null && (spec.task() != null || e.count(TrialState.WAITING) == 0) && e.strategy().quick(spec.space());
        return here ? ask(e, leased, requestId, blocking, blocking) : null;
    }

    /** The ask of {@code e}; with {@code waiting} (made where nothing may wait), null when it was declined having changed nothing. */
    private CompletableFuture<TrialProposal> ask(LiveExperiment e, boolean leased, RequestKey requestId, Executor blocking,
                                                 Executor waiting) {
        String kind = TellWithNext.askKind(e);
        String leaseId = leased ? LeaseIds.next() : null;
        BiConsumer<Journal.Entry, StoredTrial> answer = (entry, t) -> Requests.remember(entry, requestId, kind,
                ExperimentService.proposal(e, t, leaseId), clock.instant());
        CompletableFuture<StoredTrial> stored;
        try {
            if (waiting != null) {
                // No trial waited when asked; one enqueued since goes to the next ask, as if enqueued just after this one.
                stored = proposals.newTrialHere(e, leaseId, answer, waiting);
                if (stored == null) {
                    return null;
                }
            } else {
                // Trials of a task wait for workers; the others wait for the next ask (handed out at once).
                StoredTrial taken = e.spec().task() == null ? proposals.takeWaiting(e, null, leaseId, answer) : null;
                stored = taken != null ? CompletableFuture.completedFuture(taken) : proposals.newTrialLater(e, null, leaseId, true, answer);
            }
        } catch (RuntimeException ex) {
            stored = CompletableFuture.failedFuture(ex);
        }
        return stored.handle((t, failure) -> failure == null ? CompletableFuture.completedFuture(ExperimentService.proposal(e, t, leaseId))
                // A retry: the first attempt's answer, stored under the request id.
                : CompletableFuture.supplyAsync(() -> requests.answered(requestId, kind, TrialProposal.class)
                        .orElseThrow(() -> rethrown(failure)), blocking)).thenCompose(proposal -> proposal);
    }

    /** {@link ExperimentService#tell(long, TrialResult, String, String)}, answered on commit. */
    CompletableFuture<Trial> tell(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        return tell(registry.owner(trialId), trialId, result, toldBy, requestId, blocking, null);
    }

    /**
     * {@link #tell(long, TrialResult, String, RequestKey, Executor)} on a thread that must never
     * wait (an event loop, which serves every other request on it): null, having changed nothing,
     * unless the tell can be planned there ({@link #atOnce}); a write under way that holds the
     * trial's row is waited for on {@code blocking}, as everything after the write that reads or writes.
     */
    CompletableFuture<Trial> tellHere(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        LiveExperiment e = atOnce(trialId, false);
        return e == null ? null : tell(e, trialId, result, toldBy, requestId, blocking, blocking);
    }

    private CompletableFuture<Trial> tell(LiveExperiment e, long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                          Executor blocking, Executor waiting) {
        return journal.recordLater(e, x -> {
            StoredTrial current = x.openTrial(trialId, result.leaseId());
            Trial t = tellWithNext.told(x, current, result, toldBy);
            return tellWithNext.tell(current, t, requestId).answering(t);
        }, waiting).handle((told, failure) -> {
            if (failure == null && !e.isDone(clock.instant()) && told.state() != TrialState.FAILED) {
                work.signal();
                return CompletableFuture.completedFuture(told);
            }
            // The experiment completes on this tell, or a failure may stop it ({@link FailingStart}): a
            // write; or a retry reads the first attempt's answer.
            return CompletableFuture.supplyAsync(() -> failure == null ? service.afterTell(e, told).trial()
                    : requests.toldBefore(requestId, trialId, failure), blocking);
        }).thenCompose(told -> told);
    }

    /** {@link ExperimentService#tellThenAsk}, answered on commit when the tell and the next trial are one write (the SDK's loop). */
    CompletableFuture<TellReply> tellThenAsk(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        return tellThenAsk(registry.owner(trialId), trialId, result, toldBy, requestId, blocking, null);
    }

    /** {@link #tellThenAsk(long, TrialResult, String, RequestKey, Executor)} on a thread that must never wait, as {@link #tellHere}. */
    CompletableFuture<TellReply> tellThenAskHere(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        Requests.check(requestId);
        LiveExperiment e = atOnce(trialId, true);
        return e == null ? null : tellThenAsk(e, trialId, result, toldBy, requestId, blocking, blocking);
    }

    /**
     * The trial's experiment when its tell (and, when {@code proposes}, the next trial's proposal) is
     * planned without a wait: the experiment in memory ({@link ExperimentRegistry#ownerInMemory}),
     * not racing (a repetition's tell reads its race's history), and the next trial planned outside
     * the monitor ({@link TellWithNext#plansAtOnce}) by a {@link io.tunelab.server.strategy.SearchStrategy#quick
     * quick} strategy; else null.
     */
    private LiveExperiment atOnce(long trialId, boolean proposes) {
        LiveExperiment e = registry.ownerInMemory(trialId);
        if (e == null) {
            return null;
        }
        var spec = e.spec();
        return spec.racing() == null && (!proposes || tellWithNext.plansAtOnce(e) && e.strategy().quick(spec.space())) ? e : null;
    }

    private CompletableFuture<TellReply> tellThenAsk(LiveExperiment e, long trialId, TrialResult result, String toldBy,
                                                     RequestKey requestId, Executor blocking, Executor waiting) {
        return tellWithNext.recordLater(e, trialId, result, toldBy, requestId, waiting).handle((one, failure) -> failure == null
                && one != null && one.next() != null
                ? CompletableFuture.completedFuture(service.afterOneStep(e, one, trialId, result, toldBy, requestId))
                : CompletableFuture.supplyAsync(() -> service.afterOneStep(e,
                        failure == null ? one : service.retriedWhileWritten(failure, trialId, requestId), trialId, result, toldBy,
                        requestId), blocking)).thenCompose(reply -> reply);
    }

    /** A failure as the waiting form throws it: the exception itself, not the future's wrapper. */
    static RuntimeException rethrown(Throwable failure) {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        return cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }
}
