package io.tunelab.worker;

import io.tunelab.api.Decision;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Objective;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-memory coordinator that hands out queued leases and records what the worker sends. */
final class FakeCoordinator implements Coordinator {
    final BlockingQueue<Lease> leases = new LinkedBlockingQueue<>();
    final Map<Long, TrialResult> results = new ConcurrentHashMap<>();
    final Map<Long, byte[]> models = new ConcurrentHashMap<>();
    final Map<Long, io.tunelab.api.TestResult> tests = new ConcurrentHashMap<>();
    final Map<String, Map<String, Object>> dataReports = new ConcurrentHashMap<>();
    final List<ReportRequest> reports = new CopyOnWriteArrayList<>();
    final List<LeaseRequest> requests = new CopyOnWriteArrayList<>();
    /** The request id of each lease request, in order. */
    final List<String> leaseRequestIds = new CopyOnWriteArrayList<>();
    final List<Long> heartbeats = new CopyOnWriteArrayList<>();
    final java.util.Set<Long> lost = ConcurrentHashMap.newKeySet();
    volatile Decision decision = Decision.CONTINUE;
    /** How many lease requests fail as if the server were down, before leases are served. */
    final java.util.concurrent.atomic.AtomicInteger outages = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger leaseCalls = new java.util.concurrent.atomic.AtomicInteger();

    static Lease lease(long trialId, Map<String, Object> task, Map<String, Object> params, Objective objective, int repetitions) {
        return new Lease("lease-" + trialId, Instant.now().plusSeconds(30), 3,
                new TrialProposal(trialId, (int) trialId, params), 1, "test", List.of(objective), repetitions, 42, task);
    }

    /** How many lease requests from now on the server refuses for the token's scope (403). */
    final java.util.concurrent.atomic.AtomicInteger refusedLeases = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public Optional<Lease> lease(LeaseRequest request, String requestId) {
        leaseCalls.incrementAndGet();
        requests.add(request);
        leaseRequestIds.add(requestId);
        if (outages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "cannot reach the Tunelab server");
        }
        if (refusedLeases.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw TunelabException.of(ErrorCode.FORBIDDEN, "token \"dashboard\" has scope read; POST /api/leases needs worker");
        }
        try {
            return Optional.ofNullable(leases.poll(100, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }

    @Override
    public Heartbeat heartbeat(long trialId, String leaseId) {
        heartbeats.add(trialId);
        if (lost.contains(trialId)) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + trialId + " is leased to another worker");
        }
        return new Heartbeat(leaseId, Instant.now().plusSeconds(3));
    }

    final List<Long> released = new CopyOnWriteArrayList<>();

    @Override
    public void release(long trialId, String leaseId) {
        released.add(trialId);
    }

    @Override
    public Decision report(long trialId, ReportRequest request) {
        reports.add(request);
        return decision;
    }

    /** How many results are stored and then answered as if the connection dropped before the reply. */
    final java.util.concurrent.atomic.AtomicInteger lostReplies = new java.util.concurrent.atomic.AtomicInteger();
    /** Every result call, by trial; and those refused as telling a finished trial. */
    final Map<Long, Integer> resultCalls = new ConcurrentHashMap<>();
    final java.util.concurrent.atomic.AtomicInteger refusedResults = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<Long, String> toldUnder = new ConcurrentHashMap<>();

    /** As the server: a tell again under the first one's request id is answered as the first; under another, refused. */
    @Override
    public void result(long trialId, TrialResult result, String requestId) {
        resultCalls.merge(trialId, 1, Integer::sum);
        if (results.putIfAbsent(trialId, result) != null) {
            if (requestId != null && requestId.equals(toldUnder.get(trialId))) {
                return;
            }
            refusedResults.incrementAndGet();
            throw TunelabException.of(ErrorCode.TRIAL_FINISHED, "trial " + trialId + " is finished");
        }
        toldUnder.put(trialId, requestId);
        if (lostReplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the connection dropped before the reply");
        }
    }

    /** How many model uploads from now on find the server out of reach (as while it restarts). */
    final java.util.concurrent.atomic.AtomicInteger unreachableUploads = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void uploadModel(long trialId, String leaseId, byte[] model) {
        if (unreachableUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "cannot reach the Tunelab server");
        }
        models.put(trialId, model);
    }

    /** Artifacts by trial id, then name. */
    final Map<Long, Map<String, byte[]>> artifacts = new ConcurrentHashMap<>();

    @Override
    public void uploadArtifact(long trialId, String leaseId, String name, byte[] content) {
        artifacts.computeIfAbsent(trialId, id -> new ConcurrentHashMap<>()).put(name, content);
    }

    @Override
    public byte[] artifact(long trialId, String name) {
        byte[] content = artifacts.getOrDefault(trialId, Map.of()).get(name);
        if (content == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "trial " + trialId + " has no artifact \"" + name + "\"");
        }
        return content;
    }

    @Override
    public void test(long trialId, io.tunelab.api.TestResult result) {
        tests.put(trialId, result);
    }

    io.tunelab.api.TestResult awaitTest(long trialId) throws InterruptedException {
        for (int i = 0; i < 1200 && !tests.containsKey(trialId); i++) {
            Thread.sleep(50);
        }
        return tests.get(trialId);
    }

    @Override
    public void putDataReport(String experimentRef, String leaseId, Map<String, Object> report) {
        dataReports.put(experimentRef, report);
    }

    TrialResult awaitResult(long trialId) throws InterruptedException {
        for (int i = 0; i < 1200 && !results.containsKey(trialId); i++) {
            Thread.sleep(50);
        }
        return results.get(trialId);
    }
}
