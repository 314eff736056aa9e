package io.tunelab.experiments.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunelab.api.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One client of a chaos run. It loops until told to stop: takes a trial (an ask, or a lease as a
 * worker does), reports three steps (with a heartbeat before each when leased) and tells the
 * result, recording in the {@link Ledger} each write the server acknowledged. Values are a pure
 * function of the params, so a trial run twice (its lease expired during a restart and another
 * client took it) reports and tells the same values.
 */
final class ChaosClient implements Runnable {
    static final int STEPS = 3;

    private final ServerLink link;
    private final Ledger ledger;
    private final long experimentId;
    private final ChaosOptions.Mode mode;
    private final String name;
    private final BooleanSupplier running;

    ChaosClient(ServerLink link, Ledger ledger, long experimentId, ChaosOptions.Mode mode, String name, BooleanSupplier running) {
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

    private record Taken(long id, Map<String, Object> params, String leaseId) {
    }

    private Taken take() throws InterruptedException {
        ServerLink.Reply reply = mode == ChaosOptions.Mode.ASK_TELL
                ? link.send("POST", "/api/experiments/" + experimentId + "/trials", "{}")
                : link.send("POST", "/api/leases", Json.write(Map.of("worker", name, "runners", java.util.List.of("chaos"), "waitSeconds", 1)));
        if (reply == null || reply.status() == 204) {
            return null;
        }
        if (!reply.ok()) {
            throw new IllegalStateException("the server refused a " + (mode == ChaosOptions.Mode.ASK_TELL ? "n ask" : " lease")
                    + ": " + reply.status() + " " + reply.body());
        }
        JsonNode body = read(reply.body());
        JsonNode trial = mode == ChaosOptions.Mode.ASK_TELL ? body : body.get("trial");
        String leaseId = mode == ChaosOptions.Mode.ASK_TELL ? null : body.get("leaseId").asText();
        @SuppressWarnings("unchecked")
        Map<String, Object> params = Json.mapper().convertValue(trial.get("params"), LinkedHashMap.class);
        long id = trial.get("id").asLong();
        ledger.asked(id, trial.get("number").asInt(), params);
        return new Taken(id, params, leaseId);
    }

    private void evaluate(Taken t) throws InterruptedException {
        for (int step = 1; step <= STEPS; step++) {
            if (t.leaseId() != null) {
                ServerLink.Reply beat = link.send("POST", "/api/trials/" + t.id() + "/heartbeat", Json.write(Map.of("leaseId", t.leaseId())));
                if (beat == null) {
                    return;
                }
                if (!beat.ok()) {
                    // The lease expired while the server was down: the trial started over without
                    // the reports made under it, and another client may have it now.
                    ledger.forgetReports(t.id());
                    return;
                }
            }
            double value = lossAtStep(t.params(), step);
            var report = new LinkedHashMap<String, Object>(Map.of("step", step, "values", Map.of("loss", value)));
            if (t.leaseId() != null) {
                report.put("leaseId", t.leaseId());
            }
            ServerLink.Reply r = link.send("POST", "/api/trials/" + t.id() + "/reports", Json.write(report));
            if (r == null) {
                return;
            }
            if (!r.ok()) {
                if (isLeaseLoss(r)) {
                    ledger.forgetReports(t.id());
                    return;
                }
                throw new IllegalStateException("a report was refused: " + r.status() + " " + r.body());
            }
            ledger.reported(t.id(), step, value);
        }
        double value = loss(t.params());
        var result = new LinkedHashMap<String, Object>(Map.of("state", "COMPLETE", "values", Map.of("loss", value)));
        if (t.leaseId() != null) {
            result.put("leaseId", t.leaseId());
        }
        ServerLink.Reply told = link.send("POST", "/api/trials/" + t.id() + "/result", Json.write(result));
        if (told == null) {
            return;
        }
        if (told.ok()) {
            ledger.told(t.id(), value);
        } else if (isLeaseLoss(told)) {
            // Not acknowledged: an earlier attempt of this tell landed before a kill (its reply
            // lost), or, under a lease, the lease expired and the trial went on without this
            // client, which drops the reports made under it.
            if (t.leaseId() != null) {
                ledger.forgetReports(t.id());
            }
        } else {
            throw new IllegalStateException("a tell was refused: " + told.status() + " " + told.body());
        }
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
