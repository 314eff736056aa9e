package io.tunelab.experiments.web;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the first useful paint of an experiment page with 10,000 trials: the time from
 * navigation until the leaderboard's first page is on screen (the UI marks it as
 * {@code tunelab:first-useful-paint}), and until the optimization history has drawn; first for an
 * experiment the server prepares as it starts (among the three most recently updated of at least
 * 1,000 trials), then, after three newer experiments of 1,000 trials, for the same experiment when
 * a cold server did not prepare it: its first reads are answered as the clean stop stored them,
 * and its charts wait for its trials to be read. The experiments maximize, so the page asks for
 * its first page twice, in the order it guesses before it knows the direction (ascending) and in
 * the experiment's own. The figures are printed, not asserted: they depend on the machine.
 */
@Tag("slow")
class ExperimentPageFirstPaintTest {
    static final int TRIALS = 10_000;
    static final int NEWER_TRIALS = 1_000;

    @Test
    void printsTheFirstUsefulPaintOfAnExperimentWithTenThousandTrials(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (var server = TunelabProcesses.startServer(data);
             TunelabClient client = server.client()) {
            long seeding = System.nanoTime();
            seed(client, "ten-thousand", TRIALS, 11);
            System.out.printf("seeded %,d trials through ask/tell in %.1f s%n", TRIALS, (System.nanoTime() - seeding) / 1e9);
        }
        // A cold server: a new process on the same files, the page opened as soon as it answers.
        try (var server = TunelabProcesses.startServer(data);
             var browser = new Browser()) {
            browser.login(server.url(), server.adminToken());
            String url = server.url() + "/#/experiments/ten-thousand";
            for (int run = 1; run <= 3; run++) {
                measure(browser, url, run == 1 ? "cold server" : "warm server", run);
            }
            browser.screenshot("experiment-10000-trials");
        }
        // Three experiments updated later: the next start prepares them, not this one.
        try (var server = TunelabProcesses.startServer(data);
             TunelabClient client = server.client()) {
            for (int i = 1; i <= 3; i++) {
                seed(client, "newer-" + i, NEWER_TRIALS, 11 + i);
            }
        }
        try (var server = TunelabProcesses.startServer(data);
             var browser = new Browser()) {
            browser.login(server.url(), server.adminToken());
            measure(browser, server.url() + "/#/experiments/ten-thousand", "cold server, not prepared at its start", 1);
        }
    }

    /** Tells every trial of a new experiment of {@code trials}, one request per trial: each tell brings the next trial. */
    private static void seed(TunelabClient client, String name, int trials, long seed) {
        var exp = client.launch(ExperimentSpec.builder(name)
                .maximize("score")
                .param("lr", FloatParam.log(1e-4, 0.1))
                .param("layers", IntParam.of(1, 8))
                .param("optimizer", CategoricalParam.of("adam", "sgd", "rmsprop"))
                .strategy(StrategySpec.of("random", seed))
                .trials(trials)
                .build());
        TrialProposal p = exp.ask();
        while (p != null) {
            double lr = ((Number) p.params().get("lr")).doubleValue();
            int layers = ((Number) p.params().get("layers")).intValue();
            double loss = Math.abs(Math.log10(lr) + 2.5) * 0.3 + 0.05 * layers + (p.params().get("optimizer").equals("sgd") ? 0.2 : 0);
            p = exp.tellThenAsk(p.id(), TrialResult.complete(Map.of("score", 1 - loss))).next();
        }
    }

    /** Opens the page afresh, waits for its leaderboard and history, and prints when each came and where the time went. */
    private static void measure(Browser browser, String url, String server, int run) {
        browser.open("about:blank");
        browser.open(url);
        browser.await("the leaderboard", () -> browser.js(
                "return performance.getEntriesByName('tunelab:first-useful-paint').length") instanceof Number n && n.intValue() > 0);
        double paint = ((Number) browser.js(
                "return performance.getEntriesByName('tunelab:first-useful-paint')[0].startTime")).doubleValue();
        browser.await("the history chart", () -> browser.colouredPixels("#chart-history") > 1000);
        double seen = ((Number) browser.js("return performance.now()")).doubleValue();
        double history = ((Number) browser.js(
                "return performance.getEntriesByName('tunelab:history-drawn')[0].startTime")).doubleValue();
        System.out.printf("experiment page with %,d trials, load %d (%s): first useful paint (leaderboard) %.0f ms;"
                + " history chart drawn at %.0f ms (seen by the test's poll at %.0f ms)%n", TRIALS, run, server, paint, history, seen);
        assertThat(browser.text("#leaderboard-title")).isEqualTo("Trials (10,000)");
        assertThat(browser.js("return document.querySelectorAll('#leaderboard tbody tr').length")).isEqualTo(50L);
        // Where the time went: when each request started and how long it took, in the page's clock.
        System.out.println("  " + browser.js("""
                return performance.getEntriesByType('resource')
                  .filter(e => e.startTime < arguments[0])
                  .map(e => { const u = new URL(e.name); return u.pathname.replace(/^.*\\//, '') + u.search
                    + ' @' + Math.round(e.startTime) + '+' + Math.round(e.duration) + 'ms'; })
                  .join(', ')""", history));
    }
}
