package io.tunelab.experiments.web;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Objective;
import io.tunelab.api.Repetition;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.experiments.support.TunelabProcesses.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server with seeded experiments and a headless browser logged in to it, shared by the
 * tests of one class: experiments ranked by loss and by accuracy, one named like HTML, a
 * 120-trial paging sweep, a trade-off, seeded groups with a final evaluation and a constrained
 * experiment; and the helpers those tests open pages and read tables with.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeededWebUi {
    static final String XSS = "<img src=x onerror=alert(1)>";

    ServerProcess server;
    TunelabClient client;
    Browser browser;
    /** For the paging experiment: trial number → the loss it was told. */
    final Map<Integer, Double> pagingLoss = new HashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = TunelabProcesses.startServer(dir.resolve("data"));
        client = server.client();
        seed("cnn-small", 50, 0.5, 0.3, 0.4);
        seed("cnn-large", 50, 0.25, 0.6);
        seed("cnn-tiny", 50, 0.9);
        seed(XSS, 50, 0.7);
        var iris = client.launch(spec("iris-accuracy", 10).objectives(Objective.maximize("accuracy")).build());
        for (double v : new double[] {0.8, 0.95, 0.9}) {
            iris.tell(iris.ask().id(), Map.of("accuracy", v));
        }
        seedPaging();
        seedTradeoff();
        seedGroups();
        seedConstrained();
        browser = new Browser();
        browser.login(server.url(), server.adminToken());
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.scriptErrors()).as("errors in the browser console").isEmpty();
    }

    static ExperimentSpec.Builder spec(String name, int trials) {
        return ExperimentSpec.builder(name)
                .param("lr", FloatParam.log(1e-4, 0.1))
                .param("layers", IntParam.of(1, 5))
                .param("optimizer", CategoricalParam.of("adam", "sgd", "rmsprop"))
                .strategy(StrategySpec.of("random", 7))
                .trials(trials);
    }

    ExperimentHandle seed(String name, int budget, double... losses) {
        return seed(name, "loss", budget, losses);
    }

    /** An experiment minimizing {@code metric} with one complete trial per value. */
    ExperimentHandle seed(String name, String metric, int budget, double... values) {
        var exp = client.launch(spec(name, budget).minimize(metric).build());
        for (double v : values) {
            exp.tell(exp.ask().id(), Map.of(metric, v));
        }
        return exp;
    }

    /** 120 trials with distinct losses in a scrambled order; the first 10 with 3 repetitions, the first 20 with reports. */
    void seedPaging() {
        var exp = client.launch(spec("paging-sweep", 120).minimize("val_loss").build());
        for (int i = 0; i < 120; i++) {
            TrialProposal p = exp.ask();
            double loss = ((i * 37) % 120) / 100.0 + 0.001;
            pagingLoss.put(p.number(), loss);
            if (i < 20) {
                for (int step = 0; step < 5; step++) {
                    exp.report(p.id(), step, Map.of("val_loss", loss + 1.0 / (step + 1)));
                }
            }
            if (i < 10) {
                exp.tell(p.id(), TrialResult.ofRepetitions(List.of(
                        Repetition.of(Map.of("val_loss", loss - 0.01)),
                        Repetition.of(Map.of("val_loss", loss)),
                        Repetition.of(Map.of("val_loss", loss + 0.01)))));
            } else {
                exp.tell(p.id(), Map.of("val_loss", loss));
            }
        }
    }

    /** Three trials on the same five seeds: the best, one tied with it, one clearly worse. */
    void seedGroups() {
        var exp = client.launch(spec("seeded-groups", 3).minimize("rmse").build());
        double[][] losses = {{1.05, 0.96, 1.02, 0.97, 1.01}, {0.97, 1.07, 0.99, 1.03, 1.02}, {2.05, 1.97, 2.02, 1.98, 2.01}};
        long best = -1;
        for (double[] trial : losses) {
            var reps = new java.util.ArrayList<Repetition>();
            for (int i = 0; i < trial.length; i++) {
                reps.add(new Repetition(null, 100L + i, Map.of("rmse", trial[i])));
            }
            long id = exp.ask().id();
            best = best < 0 ? id : best;
            exp.tell(id, TrialResult.ofRepetitions(reps));
        }
        // The user scores the winner on rows the search never saw.
        exp.finalEvaluation(best, Map.of("rmse", 1.1));
    }

    /** Three trials under latency_ms ≤ 20: the best error rate is too slow. */
    void seedConstrained() {
        // Its own metric, so the experiments page's loss group stays as the ranking test expects.
        var exp = client.launch(spec("constrained", 3).minimize("error_rate")
                .constraints(io.tunelab.api.Constraint.atMost("latency_ms", 20)).build());
        for (double[] t : new double[][]{{0.1, 35}, {0.3, 10}, {0.2, 15}}) {
            exp.tell(exp.ask().id(), Map.of("error_rate", t[0], "latency_ms", t[1]));
        }
    }

    void seedTradeoff() {
        var exp = client.launch(spec("tradeoff", 30)
                .objectives(Objective.minimize("latency"), Objective.maximize("accuracy")).build());
        for (int i = 0; i < 12; i++) {
            double latency = 10 + i * 5;
            double accuracy = 0.5 + 0.04 * i - (i % 3 == 0 ? 0.1 : 0);
            exp.tell(exp.ask().id(), Map.of("latency", latency, "accuracy", accuracy));
        }
    }

    String url(String hash) {
        return server.url() + "/" + hash;
    }

    static String experimentHash(String name) {
        return "#/experiments/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Opens an experiment page and waits for its leaderboard's first page. */
    void openExperiment(String name) {
        browser.open(url(experimentHash(name)));
        browser.await("the trial leaderboard", () -> !browser.findAll("#trials-table tbody tr[data-number]").isEmpty());
    }

    List<String> column(String attribute) {
        return browser.attributes("#trials-table tbody tr", attribute);
    }

    /** The position of the column that the button for {@code sort} sorts by. */
    int headerIndex(String sort) {
        int index = ((Number) browser.js("return [...document.querySelectorAll('#trials-table thead th')]"
                + ".findIndex(th => [...th.querySelectorAll('button.sort')].some(b => b.dataset.sort === arguments[0]))", sort)).intValue();
        assertThat(index).as("the column sorted by " + sort).isNotNegative();
        return index;
    }

    static List<String> strings(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).toList();
    }
}
