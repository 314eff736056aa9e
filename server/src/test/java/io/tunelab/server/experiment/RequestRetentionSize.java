package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.RequestId;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TellReply;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.JdbcStorage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A program (not a test) that prints the embedded database's size after a fill of trials told
 * the way the SDK's loop tells them (an ask under a request id, then each tell with
 * {@code "next": true} under a new id, which stores two answers per trial), on a simulated clock
 * that moves {@code seconds} per trial, with the stored answers pruned every
 * {@link RequestRetention#EVERY} of that clock as the server does, for each retention given
 * ({@code none}: never pruned, as before retention existed). For each it prints the request rows
 * left, the H2 file's size after a normal close, and its size after {@code SHUTDOWN COMPACT}
 * (the live data, without the space H2's copy-on-write keeps for reuse). The coordinator and the
 * H2 files are real; there is no HTTP.
 *
 * <pre>java -cp … io.tunelab.server.experiment.RequestRetentionSize [trials=10000] [seconds=10] [retentions=none,24,1]</pre>
 */
public final class RequestRetentionSize {
    private RequestRetentionSize() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> retentions = List.of((args.length > 2 ? args[2] : "none,24,1").split(","));
        System.out.printf(Locale.ROOT, "%d trials, %d simulated seconds each (%.1f h), answers pruned every %d min%n", trials, seconds,
                trials * seconds / 3600.0, RequestRetention.EVERY.toMinutes());
        for (String retention : retentions) {
            Path dir = Files.createTempDirectory("retention-" + retention);
            fill(dir, trials, seconds, retention.equals("none") ? null : Duration.ofHours(Long.parseLong(retention)));
            long closed = Files.size(dir.resolve("tunelab.mv.db"));
            long rows;
            String url = "jdbc:h2:file:" + dir.resolve("tunelab");
            try (var c = DriverManager.getConnection(url, "tunelab", ""); var s = c.createStatement()) {
                try (var rs = s.executeQuery("SELECT COUNT(*) FROM request")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                s.execute("SHUTDOWN COMPACT");
            }
            long compacted = Files.size(dir.resolve("tunelab.mv.db"));
            System.out.printf(Locale.ROOT, "retention %-5s request rows left %7d   file after close %7.1f MB   after SHUTDOWN COMPACT %6.1f MB%n",
                    retention.equals("none") ? "none" : retention + " h", rows, closed / 1e6, compacted / 1e6);
        }
    }

    private static void fill(Path dir, int trials, int seconds, Duration retention) {
        var now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        try (JdbcStorage storage = JdbcStorage.openDataDirectory(dir)) {
            ExperimentService service = Coordinator.open(storage, now::get, Events.NONE, CoordinatorConfig.defaults(), null)
                    .experiments();
            var pruning = retention == null ? null : new RequestRetention(storage, now::get, retention, RequestRetention.BATCH);
            service.create(ExperimentSpec.builder("fill").minimize("loss").param("x", FloatParam.of(0, 1))
                    .strategy(new StrategySpec("random", 1L, Map.of())).trials(trials).build());
            TrialProposal trial = service.ask("fill", false, RequestId.random());
            Instant lastPass = now.get();
            for (int i = 0; i < trials; i++) {
                double x = ((Number) trial.params().get("x")).doubleValue();
                TellReply reply = service.tellThenAsk(trial.id(), TrialResult.complete(Map.of("loss", x * x)), null, RequestId.random());
                now.set(now.get().plusSeconds(seconds));
                if (pruning != null && !now.get().isBefore(lastPass.plus(RequestRetention.EVERY))) {
                    pruning.prune();
                    lastPass = now.get();
                }
                if (reply.next() == null) {
                    break;
                }
                trial = reply.next();
            }
        }
    }
}
