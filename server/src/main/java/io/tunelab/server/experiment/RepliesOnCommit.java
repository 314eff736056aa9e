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
        LiveExperiment e = registry.find(ref);
        String kind = TellWithNext.askKind(e);
        String leaseId = leased ? LeaseIds.next() : null;
        BiConsumer<Journal.Entry, StoredTrial> answer = (entry, t) -> Requests.remember(entry, requestId, kind,
                ExperimentService.proposal(e, t, leaseId), clock.instant());
        CompletableFuture<StoredTrial> stored;
        try {
            // Trials of a task wait for workers; the others wait for the next ask (handed out at once).
            StoredTrial waiting = e.spec().task() == null ? proposals.takeWaiting(e, null, leaseId, answer) : null;
            stored = waiting != null ? CompletableFuture.completedFuture(waiting) : proposals.newTrialLater(e, null, leaseId, true, answer);
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
        LiveExperiment e = registry.owner(trialId);
        return journal.recordLater(e, x -> {
            StoredTrial current = x.openTrial(trialId, result.leaseId());
            Trial t = tellWithNext.told(x, current, result, toldBy);
            return tellWithNext.tell(current, t, requestId).answering(t);
        }).handle((told, failure) -> {
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
        LiveExperiment e = registry.owner(trialId);
        return tellWithNext.recordLater(e, trialId, result, toldBy, requestId).handle((one, failure) -> failure == null
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
