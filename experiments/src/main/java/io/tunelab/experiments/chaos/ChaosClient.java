package io.tunelab.experiments.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One client of a chaos run. It loops until told to stop: takes a trial (an ask, or a lease as a
 * worker does), reports three steps (with a heartbeat before each when leased) and tells the
 * result, recording in the {@link Ledger} each write the server acknowledged. Workers lease and
 * tell under a request id kept across resends, as {@code tunelab worker} does; in the
 * {@link ChaosOptions.Mode#NEXT} mode the tell brings the next trial, and asks and tells carry a
 * request id. A share of those acknowledged requests is sent again, as after a lost reply, and
 * must answer alike. Values are a pure function of the params, so a trial run twice
 * (its lease expired during a restart and another client took it) reports and tells the same values.
 */
final class ChaosClient implements Runnable {
    static final int STEPS = 3;
    /**
     * The share of acknowledged requests under a request id that are sent again as if their reply
     * had been lost (besides each client's first, always sent again).
     */
    static final double RESEND_SHARE = 0.2;
    /** The longest wait before such a resend: long enough for a kill and restart to fall between the two. */
    private static final long MAX_RESEND_DELAY_MS = 3000;
    /** The lease of a trial the {@link ChaosOptions.Mode#NEXT} clients hold, as the run starts the server with. */
    static final long NEXT_LEASE_SECONDS = 60;

    private final ServerLink link;
    private final Ledger ledger;
    private final long experimentId;
    private final ChaosOptions.Mode mode;
    private final String name;
    private final BooleanSupplier running;
    private final java.util.SplittableRandom random;
    /** Whether this client has sent a request again yet: its first acknowledged one always is. */
    private boolean resentOnce;

    ChaosClient(ServerLink link, Ledger ledger, long experimentId, ChaosOptions.Mode mode, String name, BooleanSupplier running,
                java.util.SplittableRandom random) {
        this.random = random;
        this.link = link;
        this.ledger = ledger;
        this.experimentId = experimentId;
        this.mode = mode;
        this.name = name;
        this.running = running;
    }

    /** The objective: smooth in x, shifted by the category. */
    static double loss(Map<String, Object> params) {
        double x = ((Number) params.get("x")).doubleValue();
        return (x - 1) * (x - 1) + ("a".equals(params.get("kind")) ? 0 : 0.5);
    }

    static double lossAtStep(Map<String, Object> params, int step) {
        return loss(params) + 1.0 / step;
    }

    @Override
    public void run() {
        try {
            if (mode == ChaosOptions.Mode.NEXT) {
                runWithNext();
                return;
            }
            while (running.getAsBoolean()) {
                Taken taken = take();
                if (taken != null) {
                    evaluate(taken);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A trial taken, and when (nanos) the server last acknowledged its lease: the ask, lease or heartbeat. */
    private static final class Taken {
        private final long id;
        private final Map<String, Object> params;
        private final String leaseId;
        private long leaseAcked = System.nanoTime();

        Taken(long id, Map<String, Object> params, String leaseId) {
            this.id = id;
            this.params = params;
            this.leaseId = leaseId;
        }

        long id() {
            return id;
        }

        Map<String, Object> params() {
            return params;
        }

        String leaseId() {
            return leaseId;
        }

        /** Whether the lease may have expired since the server last acknowledged it (lives of {@code leaseSeconds}). */
        boolean leaseMayHaveExpired(long leaseSeconds) {
            return System.nanoTime() - leaseAcked >= java.util.concurrent.TimeUnit.SECONDS.toNanos(leaseSeconds) * 9 / 10;
        }
    }

    /**
     * The loop of {@code optimize()}: a leased ask, then for each trial its reports and a tell that
     * brings the next trial; a new ask only when a tell brought none or the lease was lost.
     */
    private void runWithNext() throws InterruptedException {
        Taken current = null;
        while (running.getAsBoolean()) {
            if (current == null) {
                current = askUnderId();
            } else {
                current = reported(current) ? tellWithNext(current) : null;
            }
        }
    }

    private Taken askUnderId() throws InterruptedException {
        String path = "/api/experiments/" + experimentId + "/trials";
        Map<String, String> id = newRequestId();
        ServerLink.Reply reply = link.send("POST", path, "{\"lease\":true}", id);
        if (reply == null) {
            return null;
        }
        if (!reply.ok()) {
            throw new IllegalStateException("the server refused an ask: " + reply.status() + " " + reply.body());
        }
        JsonNode proposal = read(reply.body());
        Taken taken = taken(proposal, proposal.get("leaseId").asText());
        resendSometimes("ask", path, "{\"lease\":true}", id, sameTrialAs(proposal, false));
        return taken;
    }

    /**
     * For a share of acknowledged requests, what a client whose reply was lost does: sends the same
     * request with the same request id again, after a wait that a kill and restart may fall into,
     * and checks that it answers as the first attempt did ({@code differs} says how a resend's
     * reply differs from the first, null when it does not).
     */
    private void resendSometimes(String what, String path, String json, Map<String, String> headers,
                                 java.util.function.Function<ServerLink.Reply, String> differs) throws InterruptedException {
        if (resentOnce && random.nextDouble() >= RESEND_SHARE) {
            return;
        }
        resentOnce = true;
        Thread.sleep(random.nextLong(MAX_RESEND_DELAY_MS + 1));
        ServerLink.Reply again = link.send("POST", path, json, headers);
        if (again == null) {
            return;
        }
        String difference = again.ok() ? differs.apply(again) : "the first attempt was acknowledged";
        if (difference == null) {
            ledger.resent();
        } else {
            ledger.refused(what + " resent under its request id " + headers.get(RequestId.HEADER) + " answered " + again.status()
                    + " " + again.body() + ", where " + difference);
        }
    }

    /** How a resend's reply differs from {@code first}, the trial (or next trial, for a tell) its first attempt answered. */
    private static java.util.function.Function<ServerLink.Reply, String> sameTrialAs(JsonNode first, boolean tell) {
        return again -> {
            JsonNode answered = read(again.body());
            JsonNode second = tell ? answered.get("next") : answered;
            return second != null && sameTrial(first, second) ? null : "the first attempt answered " + first;
        };
    }

    private static boolean sameTrial(JsonNode first, JsonNode second) {
        for (String field : new String[]{"id", "number", "params", "leaseId"}) {
            if (!java.util.Objects.equals(first.get(field), second.get(field))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells {@code t}'s result with {@code "next": true} under one request id, resent to each
     * restarted server until one answers; returns the next trial it brought, or null to ask anew.
     */
    private Taken tellWithNext(Taken t) throws InterruptedException {
        double value = loss(t.params());
        var result = new LinkedHashMap<String, Object>(Map.of("state", "COMPLETE", "values", Map.of("loss", value), "next", true));
        result.put("leaseId", t.leaseId());
        String path = "/api/trials/" + t.id() + "/result";
        String json = Json.write(result);
        Map<String, String> id = newRequestId();
        ServerLink.Reply told = link.send("POST", path, json, id);
        if (told == null) {
            return null;
        }
        if (told.ok()) {
            ledger.told(t.id(), value);
            JsonNode next = read(told.body()).get("next");
            if (next == null || next.isNull()) {
                return null;
            }
            Taken taken = taken(next, next.get("leaseId").asText());
            resendSometimes("tell of trial " + t.id(), path, json, id, sameTrialAs(next, true));
            return taken;
        }
        if (told.hasCode("LEASE_LOST")) {
            ledger.forgetReports(t.id());
            return null;
        }
        if (told.hasCode("TRIAL_FINISHED")) {
            if (t.leaseMayHaveExpired(NEXT_LEASE_SECONDS)) {
                // The server was down for long (a loaded machine): the lease expired, and the trial
                // went on without this client (to another, or FAILED after its expiries).
                ledger.forgetReports(t.id());
            } else {
                // Within its lease no other client can have finished the trial, so this tell's own
                // earlier attempt did: its resend under the same id should have found the answer.
                ledger.refused("tell of trial " + t.id() + " resent under its request id was refused: " + told.body());
            }
            return null;
        }
        throw new IllegalStateException("a tell was refused: " + told.status() + " " + told.body());
    }

    private static Map<String, String> newRequestId() {
        return Map.of(RequestId.HEADER, UUID.randomUUID().toString());
    }

    private Taken taken(JsonNode trial, String leaseId) {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = Json.mapper().convertValue(trial.get("params"), LinkedHashMap.class);
        long id = trial.get("id").asLong();
        ledger.asked(id, trial.get("number").asInt(), params);
        return new Taken(id, params, leaseId);
    }

    private Taken take() throws InterruptedException {
        // Plain asks carry no request id (as a caller's own HTTP client may send them); leases
        // carry one, as tunelab worker's do, and are sent again under it when no reply came.
        String leaseJson = Json.write(Map.of("worker", name, "runners", java.util.List.of("chaos"), "waitSeconds", 1));
        Map<String, String> id = newRequestId();
        ServerLink.Reply reply = mode == ChaosOptions.Mode.ASK_TELL
                ? link.send("POST", "/api/experiments/" + experimentId + "/trials", "{}")
                : link.send("POST", "/api/leases", leaseJson, id);
        if (reply == null || reply.status() == 204) {
            return null;
        }
        if (!reply.ok()) {
            throw new IllegalStateException("the server refused a " + (mode == ChaosOptions.Mode.ASK_TELL ? "n ask" : " lease")
                    + ": " + reply.status() + " " + reply.body());
        }
        JsonNode body = read(reply.body());
        if (mode == ChaosOptions.Mode.ASK_TELL) {
            return taken(body, null);
        }
        Taken taken = taken(body.get("trial"), body.get("leaseId").asText());
        resendSometimes("lease", "/api/leases", leaseJson, id, sameLeaseAs(body));
        return taken;
    }

    /** How a resent lease's reply differs from {@code first}, the lease its first attempt answered. */
    private static java.util.function.Function<ServerLink.Reply, String> sameLeaseAs(JsonNode first) {
        return again -> {
            JsonNode second = again.status() == 200 ? read(again.body()) : null;
            return second != null && first.get("leaseId").equals(second.get("leaseId")) && sameTrial(first.get("trial"), second.get("trial"))
                    ? null : "the first attempt answered " + first;
        };
    }

    private void evaluate(Taken t) throws InterruptedException {
        if (!reported(t)) {
            return;
        }
        double value = loss(t.params());
        var result = new LinkedHashMap<String, Object>(Map.of("state", "COMPLETE", "values", Map.of("loss", value)));
        if (t.leaseId() != null) {
            result.put("leaseId", t.leaseId());
        }
        String path = "/api/trials/" + t.id() + "/result";
        String json = Json.write(result);
        // A worker tells under one request id for all its attempts and reads no reply body.
        Map<String, String> headers = mode == ChaosOptions.Mode.LEASES ? workerTell() : Map.of();
        ServerLink.Reply told = link.send("POST", path, json, headers);
        if (told == null) {
            return;
        }
        if (told.ok()) {
            ledger.told(t.id(), value);
            if (mode == ChaosOptions.Mode.LEASES) {
                resendSometimes("tell of trial " + t.id(), path, json, headers,
                        again -> again.status() == told.status() ? null : "the first attempt answered " + told.status());
            }
        } else if (isLeaseLoss(told)) {
            // Not acknowledged: an earlier attempt of this tell landed before a kill (its reply
            // lost: without a request id, as the plain tells are sent), or, under a lease, the
            // lease expired and the trial went on without this client, which drops the reports
            // made under it.
            if (t.leaseId() != null) {
                ledger.forgetReports(t.id());
            }
        } else {
            throw new IllegalStateException("a tell was refused: " + told.status() + " " + told.body());
        }
    }

    private static Map<String, String> workerTell() {
        return Map.of(RequestId.HEADER, UUID.randomUUID().toString(), "Prefer", "return=minimal");
    }

    /**
     * Reports {@code t}'s steps, each after a heartbeat when it is leased; false when the lease was
     * lost (the trial starts over without these reports) or the run ended.
     */
    private boolean reported(Taken t) throws InterruptedException {
        for (int step = 1; step <= STEPS; step++) {
            if (t.leaseId() != null) {
                ServerLink.Reply beat = link.send("POST", "/api/trials/" + t.id() + "/heartbeat", Json.write(Map.of("leaseId", t.leaseId())));
                if (beat == null) {
                    return false;
                }
                if (beat.ok()) {
                    t.leaseAcked = System.nanoTime();
                }
                if (!beat.ok()) {
                    // The lease expired while the server was down: the trial started over without
                    // the reports made under it, and another client may have it now.
                    ledger.forgetReports(t.id());
                    return false;
                }
            }
            double value = lossAtStep(t.params(), step);
            var report = new LinkedHashMap<String, Object>(Map.of("step", step, "values", Map.of("loss", value)));
            if (t.leaseId() != null) {
                report.put("leaseId", t.leaseId());
            }
            ServerLink.Reply r = link.send("POST", "/api/trials/" + t.id() + "/reports", Json.write(report));
            if (r == null) {
                return false;
            }
            if (!r.ok()) {
                if (isLeaseLoss(r)) {
                    ledger.forgetReports(t.id());
                    return false;
                }
                throw new IllegalStateException("a report was refused: " + r.status() + " " + r.body());
            }
            ledger.reported(t.id(), step, value);
        }
        return true;
    }

    private static boolean isLeaseLoss(ServerLink.Reply r) {
        return r.hasCode("LEASE_LOST") || r.hasCode("TRIAL_FINISHED");
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the server sent unreadable JSON: " + json, e);
        }
    }
}
