package io.tunelab.experiments.chaos;

import io.tunelab.api.Json;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.experiments.support.TunelabProcesses;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one chaos run: a real server process on a data directory, {@code clients} clients
 * driving one experiment through it, the server killed with SIGKILL {@code kills} times at random
 * moments and restarted on the same files each time; then the stored trials are read back
 * through the API and every acknowledged write is checked: each acknowledged ask or lease has its
 * trial with the same number and params, each acknowledged report its step and value, each
 * acknowledged tell a COMPLETE trial with its value; no trial number is stored twice; and (when
 * clients ask) the experiment goes on with the next number. Where every request that makes a trial
 * carries a request id (the leases, and {@link ChaosOptions.Mode#NEXT}'s asks and tells), each
 * stored trial was also handed to a client: a resend that made a second trial instead of
 * answering with the first is a loss too.
 */
public final class ChaosRun {
    private static final int MAX_PROBLEMS = 10;

    private final ChaosOptions options;

    public ChaosRun(ChaosOptions options) {
        this.options = options;
    }

    public ChaosReport run() throws IOException, InterruptedException {
        Path data = options.workDir().resolve("data");
        var random = new SplittableRandom(options.seed());
        var link = new ServerLink();
        var ledger = new Ledger();
        long started = System.nanoTime();
        long restartNanos = 0;
        var server = start(data);
        var threads = new ArrayList<Thread>();
        var running = new AtomicBoolean(true);
        try {
            link.point(server.url(), auth(server));
            long experimentId = createExperiment(link);
            for (int i = 0; i < options.clients(); i++) {
                var client = new ChaosClient(link, ledger, experimentId, options.mode(), "chaos:" + i, running::get,
                        new SplittableRandom(options.seed() * 1_000_003L + i));
                threads.add(Thread.ofPlatform().name("chaos-client-" + i).start(client));
            }
            for (int k = 0; k < options.kills(); k++) {
                Thread.sleep(life(random));
                server.kill();
                link.down();
                long t0 = System.nanoTime();
                server = start(data);
                restartNanos += System.nanoTime() - t0;
                link.point(server.url(), auth(server));
            }
            Thread.sleep(life(random));
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(60));
            }
            link.close();
            var verifier = new ServerLink();
            verifier.point(server.url(), auth(server));
            ChaosReport report = verify(verifier, experimentId, ledger, link.serverErrors(), System.nanoTime() - started,
                    options.kills() == 0 ? 0 : restartNanos / options.kills());
            link.firstServerErrors().forEach(e -> System.err.println("5xx: " + e));
            return report;
        } finally {
            running.set(false);
            link.close();
            server.close();
        }
    }

    /** The admin token the server wrote into its data directory on its first start. */
    private static Map<String, String> auth(TunelabProcesses.ServerProcess server) {
        return Map.of("Authorization", "Bearer " + server.adminToken());
    }

    private TunelabProcesses.ServerProcess start(Path data) throws IOException {
        // Leases outlive a restart (a loaded machine restarts the server in several seconds), as the
        // default of 60 s does: the run exercises leases and heartbeats across kills, not expiry.
        // With tells that bring the next trial the default itself: a tell refused within it of the
        // trial's last acknowledged heartbeat can only mean its request id did not answer it.
        String leaseSeconds = options.mode() == ChaosOptions.Mode.NEXT ? Long.toString(ChaosClient.NEXT_LEASE_SECONDS) : "20";
        return TunelabProcesses.startServer(data, "--lease-seconds", leaseSeconds, "--durability", options.durability());
    }

    private long life(SplittableRandom random) {
        long min = options.minLife().toMillis();
        long max = options.maxLife().toMillis();
        return min == max ? min : random.nextLong(min, max + 1);
    }

    private long createExperiment(ServerLink link) throws InterruptedException {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("name", "chaos");
        spec.put("objective", Map.of("metric", "loss", "direction", "minimize"));
        spec.put("space", Map.of("x", Map.of("type", "float", "low", -5, "high", 5),
                "kind", Map.of("type", "categorical", "choices", List.of("a", "b"))));
        spec.put("strategy", Map.of("name", "random", "seed", options.seed()));
        spec.put("budget", Map.of("trials", 10_000_000));
        if (options.mode() == ChaosOptions.Mode.LEASES) {
            spec.put("task", Map.of("runner", "chaos"));
        }
        ServerLink.Reply reply = link.send("POST", "/api/experiments", Json.write(spec));
        if (reply == null || reply.status() != 201) {
            throw new IllegalStateException("cannot create the chaos experiment: " + reply);
        }
        return Json.read(reply.body(), io.tunelab.api.Experiment.class).id();
    }

    private ChaosReport verify(ServerLink link, long experimentId, Ledger ledger, long serverErrors, long elapsedNanos,
                               long meanRestartNanos) throws InterruptedException {
        List<Trial> stored = storedTrials(link, experimentId);
        var byId = new HashMap<Long, Trial>();
        var numbers = new HashMap<Integer, Integer>();
        for (Trial t : stored) {
            byId.put(t.id(), t);
            numbers.merge(t.number(), 1, Integer::sum);
        }
        long duplicated = numbers.values().stream().filter(n -> n > 1).count();
        var problems = new ArrayList<String>();
        long lost = 0;
        for (var e : ledger.asks.entrySet()) {
            Trial t = byId.get(e.getKey());
            if (t == null || t.number() != e.getValue().number() || !t.params().equals(e.getValue().params())) {
                lost++;
                note(problems, "ask of trial " + e.getKey() + " (number " + e.getValue().number() + ", params " + e.getValue().params()
                        + "): stored " + (t == null ? "nothing" : "number " + t.number() + ", params " + t.params()));
            }
        }
        for (var e : ledger.reports.entrySet()) {
            // Pages of trials leave their reports out: read each reported trial whole.
            Trial t = byId.containsKey(e.getKey()) ? storedTrial(link, e.getKey()) : null;
            for (var step : e.getValue().entrySet()) {
                Double value = t == null ? null : reportAt(t, step.getKey());
                if (value == null || value.doubleValue() != step.getValue()) {
                    lost++;
                    note(problems, "report of trial " + e.getKey() + " at step " + step.getKey() + " = " + step.getValue()
                            + ": stored " + value);
                }
            }
        }
        for (var e : ledger.tells.entrySet()) {
            Trial t = byId.get(e.getKey());
            Double value = t == null ? null : t.value("loss");
            if (t == null || t.state() != TrialState.COMPLETE || value == null || value.doubleValue() != e.getValue()) {
                lost++;
                note(problems, "tell of trial " + e.getKey() + " = " + e.getValue() + ": stored "
                        + (t == null ? "nothing" : "state " + t.state() + ", values " + t.values()));
            }
        }
        long unacknowledged = stored.stream().filter(t -> !ledger.asks.containsKey(t.id())).count();
        if (options.mode() != ChaosOptions.Mode.ASK_TELL) {
            stored.stream().filter(t -> !ledger.asks.containsKey(t.id())).forEach(t -> note(problems, "trial " + t.id()
                    + " (number " + t.number() + ", " + t.state() + ") was stored but handed to no client: a resent request made it"));
            lost += unacknowledged;
        }
        lost += ledger.refusals.size();
        ledger.refusals.forEach(r -> note(problems, r));
        if (options.mode() != ChaosOptions.Mode.LEASES) {
            checkTheExperimentGoesOn(link, experimentId, numbers, byId, problems);
        }
        return new ChaosReport(options.mode(), options.durability(), options.clients(), options.kills(), ledger.asks.size(),
                ledger.reportCount(), ledger.tells.size(), ledger.resendCount(), lost, duplicated, unacknowledged, serverErrors, stored.size(),
                Duration.ofNanos(elapsedNanos), Duration.ofNanos(meanRestartNanos), problems);
    }

    /**
     * The next ask gets the number after the last stored, or a stored unfinished trial handed out
     * again: its lease expired (a client's last trial, while the check read every trial on a loaded
     * machine, or while the server was down for long), so it was WAITING for the next ask.
     */
    private static void checkTheExperimentGoesOn(ServerLink link, long experimentId, Map<Integer, Integer> numbers,
                                                 Map<Long, Trial> byId, List<String> problems) throws InterruptedException {
        int last = numbers.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        ServerLink.Reply next = link.send("POST", "/api/experiments/" + experimentId + "/trials", "{}");
        var proposal = next != null && next.ok() ? Json.read(next.body(), io.tunelab.api.TrialProposal.class) : null;
        Trial waiting = proposal == null ? null : byId.get(proposal.id());
        boolean handedOutAgain = waiting != null && !waiting.state().isFinished() && waiting.number() == proposal.number();
        if ((proposal == null || proposal.number() != last + 1) && !handedOutAgain) {
            problems.add("after the last restart the next ask got " + (proposal == null ? "no trial" : "number " + proposal.number())
                    + ", expected " + (last + 1) + " or a stored unfinished trial (" + next + ")");
        }
    }

    private static Double reportAt(Trial t, int step) {
        for (Report r : t.reports()) {
            if (r.step() == step) {
                return r.values().get("loss");
            }
        }
        return null;
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }

    private static Trial storedTrial(ServerLink link, long trialId) throws InterruptedException {
        ServerLink.Reply reply = link.send("GET", "/api/trials/" + trialId, null);
        if (reply == null || !reply.ok()) {
            throw new IllegalStateException("cannot read stored trial " + trialId + ": " + reply);
        }
        return Json.read(reply.body(), Trial.class);
    }

    private static List<Trial> storedTrials(ServerLink link, long experimentId) throws InterruptedException {
        var out = new ArrayList<Trial>();
        int page = 10_000;
        while (true) {
            ServerLink.Reply reply = link.send("GET", "/api/experiments/" + experimentId + "/trials?offset=" + out.size() + "&limit=" + page, null);
            if (reply == null || !reply.ok()) {
                throw new IllegalStateException("cannot read the stored trials: " + reply);
            }
            Trial[] batch = Json.read(reply.body(), Trial[].class);
            out.addAll(List.of(batch));
            if (batch.length < page) {
                return out;
            }
        }
    }
}
