package io.tunelab.experiments.chaos;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server acknowledged during a chaos run, by trial id: the number and params of each
 * acknowledged ask or lease, the value of each acknowledged report by step, and the value of each
 * acknowledged tell; and the resent requests refused though their request id should have
 * answered them. Reports made under a lease that was later lost are forgotten, since a trial
 * that starts over drops them. Thread-safe.
 */
final class Ledger {
    record Asked(int number, Map<String, Object> params) {
    }

    final Map<Long, Asked> asks = new ConcurrentHashMap<>();
    final Map<Long, Map<Integer, Double>> reports = new ConcurrentHashMap<>();
    final Map<Long, Double> tells = new ConcurrentHashMap<>();
    /** Resent requests the server refused though their request id should have answered them. */
    final java.util.Queue<String> refusals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong reportCount = new AtomicLong();
    private final AtomicLong resendCount = new AtomicLong();

    void asked(long trialId, int number, Map<String, Object> params) {
        asks.put(trialId, new Asked(number, params));
    }

    void reported(long trialId, int step, double value) {
        reports.computeIfAbsent(trialId, k -> new ConcurrentHashMap<>()).put(step, value);
        reportCount.incrementAndGet();
    }

    /**
     * Forgets the reports a client made under a lease it has since lost: the server dropped them
     * when the trial started over, as it should.
     */
    void forgetReports(long trialId) {
        reports.remove(trialId);
    }

    /** A request sent again under its request id answered as its first attempt had. */
    void resent() {
        resendCount.incrementAndGet();
    }

    long resendCount() {
        return resendCount.get();
    }

    void refused(String what) {
        refusals.add(what);
    }

    void told(long trialId, double value) {
        tells.put(trialId, value);
    }

    long reportCount() {
        return reportCount.get();
    }
}
