package io.tunelab.experiments.web;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Objective;
import io.tunelab.api.Repetition;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TrialQueue;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.experiments.support.TunelabProcesses.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web UI in a real browser against a real server with seeded experiments: ranking,
 * live updates, server-side sorting and paging, charts that draw, the controls, and user
 * strings shown as text.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest {
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

    private ExperimentHandle seed(String name, int budget, double... losses) {
        return seed(name, "loss", budget, losses);
    }

    /** An experiment minimizing {@code metric} with one complete trial per value. */
    private ExperimentHandle seed(String name, String metric, int budget, double... values) {
        var exp = client.launch(spec(name, budget).minimize(metric).build());
        for (double v : values) {
            exp.tell(exp.ask().id(), Map.of(metric, v));
        }
        return exp;
    }

    /** 120 trials with distinct losses in a scrambled order; the first 10 with 3 repetitions, the first 20 with reports. */
    private void seedPaging() {
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
    private void seedGroups() {
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
    private void seedConstrained() {
        // Its own metric, so the experiments page's loss group stays as the ranking test expects.
        var exp = client.launch(spec("constrained", 3).minimize("error_rate")
                .constraints(io.tunelab.api.Constraint.atMost("latency_ms", 20)).build());
        for (double[] t : new double[][]{{0.1, 35}, {0.3, 10}, {0.2, 15}}) {
            exp.tell(exp.ask().id(), Map.of("error_rate", t[0], "latency_ms", t[1]));
        }
    }

    private void seedTradeoff() {
        var exp = client.launch(spec("tradeoff", 30)
                .objectives(Objective.minimize("latency"), Objective.maximize("accuracy")).build());
        for (int i = 0; i < 12; i++) {
            double latency = 10 + i * 5;
            double accuracy = 0.5 + 0.04 * i - (i % 3 == 0 ? 0.1 : 0);
            exp.tell(exp.ask().id(), Map.of("latency", latency, "accuracy", accuracy));
        }
    }

    private String url(String hash) {
        return server.url() + "/" + hash;
    }

    private static String experimentHash(String name) {
        return "#/experiments/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Opens an experiment page and waits for its leaderboard's first page. */
    private void openExperiment(String name) {
        browser.open(url(experimentHash(name)));
        browser.await("the trial leaderboard", () -> !browser.findAll("#trials-table tbody tr[data-number]").isEmpty());
    }

    private List<String> column(String attribute) {
        return browser.attributes("#trials-table tbody tr", attribute);
    }

    @Test
    void experimentsPageRanksEachObjectiveBestFirst() throws Exception {
        browser.open(url("#/"));
        browser.await("the experiments", () -> browser.findAll("#experiments tr[data-experiment]").size() >= 8);

        String loss = "#experiments section.group[data-metric='loss'] ";
        browser.await("the loss group", () -> !browser.findAll(loss).isEmpty());
        assertThat(browser.texts(loss + "tbody td.name a")).containsExactly("cnn-large", "cnn-small", XSS, "cnn-tiny");
        assertThat(browser.texts(loss + "tbody td.best")).containsExactly("0.25", "0.3", "0.7", "0.9");
        assertThat(browser.texts(loss + "tbody td.rank")).containsExactly("1", "2", "3", "4");

        // Maximized objectives rank the other way round.
        String accuracy = "#experiments section.group[data-metric='accuracy'] ";
        assertThat(browser.text(accuracy + "h2")).contains("higher is better");
        assertThat(browser.texts(accuracy + "tbody td.best")).first().isEqualTo("0.95");

        // Filtering by name keeps only the matches, without a round trip.
        browser.find("#filter-name").sendKeys("cnn");
        browser.await("the name filter", () -> browser.findAll("#experiments tr[data-experiment]").size() == 3);
        browser.find("#filter-name").clear();
        browser.js("document.getElementById('filter-name').dispatchEvent(new Event('input'))");
        new Select(browser.find("#filter-state")).selectByValue("COMPLETED");
        browser.await("the state filter", () -> {
            List<String> states = browser.texts("#experiments tr[data-experiment] .badge");
            return !states.isEmpty() && states.stream().allMatch("COMPLETED"::equals);
        });
        assertThat(browser.text("#experiments")).contains("paging-sweep").doesNotContain("cnn-small");
        new Select(browser.find("#filter-state")).selectByValue("");
        browser.screenshot("experiments");
    }

    @Test
    void anExperimentNamedLikeHtmlShowsAsText() {
        long id = client.describe(XSS).id();
        browser.open(url("#/"));
        browser.await("the XSS-named experiment", () -> browser.texts("#experiments td.name a").contains(XSS));
        assertThat(browser.findAll("#app img")).isEmpty();
        browser.click("#experiments tr[data-experiment='" + id + "'] td.name a");
        browser.await("its page", () -> XSS.equals(browser.text(".exp-head h1")));
        assertThat(browser.findAll("#app img")).isEmpty();
        assertThat(browser.text("#crumbs")).contains(XSS);
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void aNewTrialAppearsLiveWithoutReload() throws Exception {
        // Its own metric, so the ranking test sees the same loss group whatever the test order.
        var exp = seed("live-sweep", "error", 100, 0.5, 0.4, 0.6);
        openExperiment("live-sweep");
        assertThat(column("data-number")).hasSize(3);
        browser.js("window.__sameDocument = true");

        TrialProposal p = exp.ask();
        exp.tell(p.id(), Map.of("error", 0.1));

        browser.await("the new trial at the top of the leaderboard",
                () -> String.valueOf(p.number()).equals(column("data-number").getFirst()));
        assertThat(column("data-number")).hasSize(4);
        assertThat(browser.text("#leaderboard-title")).isEqualTo("Trials (4)");
        assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
        browser.await("the best value in the header", () -> browser.text(".exp-head .facts").contains("error 0.1"));

        // The experiments page counts it too, live.
        browser.open(url("#/"));
        browser.js("window.__sameDocument = true");
        var row = "#experiments tr[data-experiment='" + exp.id() + "'] .progress-text";
        browser.await("the live-sweep row", () -> browser.text(row) != null && browser.text(row).startsWith("4 / 100"));
        // A keyboard user on that row keeps the focus through the update.
        browser.js("document.querySelector(arguments[0]).focus()", "#experiments tr[data-experiment='" + exp.id() + "'] a");
        TrialProposal q = exp.ask();
        exp.tell(q.id(), Map.of("error", 0.05));
        browser.await("the new count", () -> browser.text(row).startsWith("5 / 100"));
        assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
        assertThat(browser.js("return document.activeElement.textContent")).isEqualTo("live-sweep");
    }

    @Test
    void theCurvesOfARunningTrialGrowLive() {
        var exp = seed("curves-live", "error", 20, 0.5);
        TrialProposal running = exp.ask();
        openExperiment("curves-live");
        browser.await("no curves yet", () -> browser.text("#chart-curves").contains("No trial has reported intermediate values."));

        for (int step = 0; step < 3; step++) {
            exp.report(running.id(), step, Map.of("error", 1.0 / (step + 1)));
        }
        browser.await("the running curve", () -> browser.text("#chart-curves .chart-note")
                .equals("error by step, up to step 2, for 1 trial, 1 running (bold vermillion); pruned trials dashed grey."));
        browser.await("it drawn", () -> browser.colouredPixels("#chart-curves") > 20);

        for (int step = 3; step < 8; step++) {
            exp.report(running.id(), step, Map.of("error", 1.0 / (step + 1)));
        }
        browser.await("the curve at step 7", () -> browser.text("#chart-curves .chart-note").contains("up to step 7, for 1 trial, 1 running"));
        exp.tell(running.id(), Map.of("error", 0.12));
        browser.await("the trial finished", () -> browser.text("#chart-curves .chart-note")
                .equals("error by step, up to step 7, for 1 trial; pruned trials dashed grey."));
        browser.await("the new best in the leaderboard", () -> String.valueOf(running.number()).equals(column("data-number").getFirst()));
    }

    @Test
    void aTrialPageFollowsItsTrialLive() {
        var exp = seed("trial-live", "error", 10);
        TrialProposal p = exp.ask();
        browser.open(url("#/trials/" + p.id()));
        browser.await("the running trial", () -> "RUNNING".equals(browser.text(".exp-head .badge")));
        assertThat(browser.text("main")).contains("This trial reported no intermediate values.", "No result yet.");

        exp.report(p.id(), 1, Map.of("error", 0.9));
        exp.report(p.id(), 2, Map.of("error", 0.6));
        browser.await("its curve", () -> browser.colouredPixels(".trial") > 20);
        exp.tell(p.id(), Map.of("error", 0.5));
        browser.await("COMPLETE", () -> "COMPLETE".equals(browser.text(".exp-head .badge")));
        assertThat(browser.texts(".stats tbody th")).containsExactly("error ↓");
        assertThat(browser.text("#crumbs")).contains("trial-live", "Trial #" + p.number());
    }

    @Test
    void theLeaderboardWorksFromTheKeyboard() {
        openExperiment("paging-sweep");
        List<Integer> numbers = pagingLoss.keySet().stream().sorted().toList();
        // Tab from the page-size select into the table: the first control there sorts by trial number.
        browser.js("document.getElementById('page-size').focus()");
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.driver.switchTo().activeElement().getAttribute("data-sort")).isEqualTo("number");
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.await("sorted by number from the keyboard", () -> String.valueOf(numbers.getLast()).equals(column("data-number").getFirst()));
        // The table was rebuilt, and focus stayed on the same column's button: Enter again flips the order.
        assertThat(browser.driver.switchTo().activeElement().getAttribute("data-sort")).isEqualTo("number");
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.await("ascending", () -> String.valueOf(numbers.getFirst()).equals(column("data-number").getFirst()));

        // The pager too: Next keeps focus on Next.
        WebElement next = browser.find(".page-next");
        browser.js("arguments[0].focus()", next);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.await("page 2", () -> "51–100 of 120".equals(browser.text(".page-info")));
        assertThat(browser.driver.switchTo().activeElement().getAttribute("class")).contains("page-next");
        // Focus is visible: the focused control draws an outline.
        assertThat(browser.js("return getComputedStyle(document.activeElement).outlineStyle")).isNotEqualTo("none");
    }

    @Test
    void theLeaderboardSortsAndPagesOnTheServer() throws Exception {
        openExperiment("paging-sweep");
        List<Integer> byLoss = pagingLoss.keySet().stream()
                .sorted(Comparator.comparing(pagingLoss::get)).toList();

        // Default: best first, 50 a page, ranked.
        assertThat(column("data-number")).containsExactlyElementsOf(strings(byLoss.subList(0, 50)));
        assertThat(browser.text(".page-info")).isEqualTo("1–50 of 120");
        assertThat(browser.text("#trials-table tbody tr td.rank")).isEqualTo("1");
        // A trial with repetitions shows its mean ± the 95% CI half-width.
        assertThat(browser.text("#trials-table tbody")).contains("±");

        browser.click(".page-next");
        browser.await("page 2", () -> "51–100 of 120".equals(browser.text(".page-info")));
        assertThat(column("data-number")).containsExactlyElementsOf(strings(byLoss.subList(50, 100)));
        assertThat(browser.text("#trials-table tbody tr td.rank")).isEqualTo("51");
        browser.click(".page-last");
        browser.await("the last page", () -> "101–120 of 120".equals(browser.text(".page-info")));
        assertThat(column("data-number")).containsExactlyElementsOf(strings(byLoss.subList(100, 120)));
        assertThat(browser.find(".page-next").isEnabled()).isFalse();

        // Sorting by trial number: newest first, then oldest first.
        List<Integer> numbers = pagingLoss.keySet().stream().sorted().toList();
        browser.click("button.sort[data-sort='number']");
        browser.await("sorted by number, descending", () -> String.valueOf(numbers.getLast()).equals(column("data-number").getFirst()));
        assertThat(browser.text(".page-info")).isEqualTo("1–50 of 120");
        assertThat(browser.attributes("th[aria-sort='descending'] button.sort", "data-sort")).containsExactly("number");
        browser.click("button.sort[data-sort='number']");
        browser.await("sorted by number, ascending", () -> String.valueOf(numbers.getFirst()).equals(column("data-number").getFirst()));
        assertThat(column("data-number")).containsExactlyElementsOf(strings(numbers.subList(0, 50)));

        // Sorting by a param: the column reads in order.
        browser.click("button.sort[data-sort='param:layers']");
        browser.await("sorted by layers", () -> browser.attributes("th[aria-sort='ascending'] button.sort", "data-sort")
                .equals(List.of("param:layers")));
        int layersColumn = headerIndex("param:layers");
        List<Integer> layers = browser.texts("#trials-table tbody tr td:nth-child(" + (layersColumn + 1) + ")").stream()
                .map(Integer::parseInt).toList();
        assertThat(layers).isSorted();

        // A smaller page.
        new Select(browser.find("#page-size")).selectByValue("25");
        browser.await("25 a page", () -> "1–25 of 120".equals(browser.text(".page-info")));
        assertThat(column("data-number")).hasSize(25);

        // Filtering by state goes to the server too.
        new Select(browser.find("#trial-state")).selectByValue("RUNNING");
        browser.await("no running trials", () -> browser.text("#trials-table tbody").contains("No running trials."));
    }

    @Test
    void theLeaderboardHighlightsTrialsTiedWithTheBestAndMutesWorseOnes() {
        openExperiment("seeded-groups");
        assertThat(column("data-number")).containsExactly("0", "1", "2");
        assertThat(column("class")).containsExactly("rank-best", "rank-tied", "rank-worse");
        assertThat(browser.texts("#trials-table tbody td.group-cell")).containsExactly("best", "tied (5)", "worse p<0.001 (5)");
        assertThat(browser.attributes("#trials-table tbody td.group-cell.worse", "title").getFirst())
                .contains("5 shared repetitions").contains("Holm-adjusted");
        Object tiedBackground = browser.js("return getComputedStyle(document.querySelector('tr.rank-tied td')).backgroundColor");
        Object worseColor = browser.js("return getComputedStyle(document.querySelector('tr.rank-worse td.value')).color");
        Object tiedColor = browser.js("return getComputedStyle(document.querySelector('tr.rank-tied td.value')).color");
        assertThat(tiedBackground).isNotEqualTo("rgba(0, 0, 0, 0)");
        assertThat(worseColor).isNotEqualTo(tiedColor);
        // The test score sits beside the selection score, in the table and on the winner card.
        assertThat(browser.texts("#trials-table tbody td.test")).containsExactly("1.1", "", "");
        browser.await("the winner card", () -> browser.text("#winner").contains("Winner #0"));
        assertThat(browser.text("#winner-selection")).contains("±").contains("over 5 repetitions");
        assertThat(browser.text("#winner-test")).isEqualTo("1.1");
        assertThat(browser.texts("#winner-tied a")).containsExactly("#1");
    }

    @Test
    void theLeaderboardMarksInfeasibleTrialsAfterTheFeasibleOnes() {
        openExperiment("constrained");
        assertThat(column("data-number")).containsExactly("2", "1", "0");
        assertThat(column("class")).containsExactly("rank-best", "rank-unranked", "rank-infeasible");
        assertThat(browser.texts("#trials-table tbody td.group-cell").getLast()).isEqualTo("⚠ infeasible (violation 15)");
        assertThat(browser.attributes("#trials-table tbody td.group-cell.infeasible", "title").getFirst())
                .isEqualTo("infeasible: latency_ms 35.0 above max 20.0");
        Object infeasibleBackground = browser.js("return getComputedStyle(document.querySelector('tr.rank-infeasible td')).backgroundColor");
        Object bestBackground = browser.js("return getComputedStyle(document.querySelector('tr.rank-best td')).backgroundColor");
        assertThat(infeasibleBackground).isNotEqualTo(bestBackground);
        // The infeasible trial's own page says which constraint it broke and by how much; a feasible one says met.
        var trials = client.experiment("constrained").trials();
        browser.open(url("#/trials/" + trials.get(0).id()));
        browser.await("the constraints fact", () -> !browser.findAll("#trial-feasibility").isEmpty());
        assertThat(browser.text("#trial-feasibility")).isEqualTo("⚠ violated (violation 15): infeasible: latency_ms 35.0 above max 20.0");
        browser.open(url("#/trials/" + trials.get(2).id()));
        browser.await("the constraints fact", () -> "Trial #2".equals(browser.text(".exp-head h1"))
                && !browser.findAll("#trial-feasibility").isEmpty());
        assertThat(browser.text("#trial-feasibility")).isEqualTo("met");
    }

    /** The position of the column that the button for {@code sort} sorts by. */
    private int headerIndex(String sort) {
        int index = ((Number) browser.js("return [...document.querySelectorAll('#trials-table thead th')]"
                + ".findIndex(th => [...th.querySelectorAll('button.sort')].some(b => b.dataset.sort === arguments[0]))", sort)).intValue();
        assertThat(index).as("the column sorted by " + sort).isNotNegative();
        return index;
    }

    private static List<String> strings(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).toList();
    }

    @Test
    void theChartsDraw() throws Exception {
        openExperiment("paging-sweep");
        for (String chart : List.of("#chart-history", "#chart-curves", "#chart-parallel", "#chart-slices")) {
            browser.await(chart + " with data drawn", () -> browser.colouredPixels(chart) > 100);
        }
        // One slice plot per param.
        assertThat(browser.texts("#chart-slices figure.slice figcaption"))
                .containsExactly("lr", "layers", "optimizer");
        browser.screenshot("experiment");

        // Dragging along the objective's axis (the last one) keeps only the trials in that range.
        WebElement canvas = browser.find("#chart-parallel canvas");
        browser.js("arguments[0].scrollIntoView({block: 'center'})", canvas);
        int lastAxis = canvas.getSize().getWidth() / 2 - 40;
        new Actions(browser.driver).moveToElement(canvas, lastAxis, -100).clickAndHold()
                .moveToElement(canvas, lastAxis, -40).moveToElement(canvas, lastAxis, 20).release().perform();
        String selected = browser.await("a selection", () -> browser.text("#chart-parallel .selection"));
        assertThat(selected).matches("\\d+ of 120 trials selected\\.").isNotEqualTo("120 of 120 trials selected.")
                .isNotEqualTo("0 of 120 trials selected.");
        new Actions(browser.driver).moveToElement(canvas, lastAxis, 0).click().perform();
        browser.await("the selection cleared", () -> browser.text("#chart-parallel .selection").isEmpty());

        // A click on the history opens the trial under the cursor.
        WebElement plotArea = browser.find("#chart-history .u-over");
        browser.js("arguments[0].scrollIntoView({block: 'center'})", plotArea);
        new Actions(browser.driver).moveToElement(plotArea).click().perform();
        browser.await("a trial page", () -> browser.driver.getCurrentUrl().contains("#/trials/")
                && String.valueOf(browser.text(".exp-head h1")).startsWith("Trial #"));
        assertThat(browser.text("#crumbs")).contains("paging-sweep");

        openExperiment("tradeoff");
        browser.await("the Pareto front", () -> browser.colouredPixels("#chart-pareto") > 50);
        browser.screenshot("experiment-multi-objective");

        // A trial page: its statistics and its own curve.
        openExperiment("paging-sweep");
        int first = pagingLoss.keySet().stream().min(Integer::compare).orElseThrow();
        browser.click("button.sort[data-sort='number']");
        browser.await("sorted by number, descending", () -> !String.valueOf(first).equals(column("data-number").getFirst())
                && browser.findAll("th[aria-sort='descending'] button[data-sort='number']").size() == 1);
        browser.click("button.sort[data-sort='number']");
        browser.await("sorted by number, ascending", () -> String.valueOf(first).equals(column("data-number").getFirst()));
        browser.click("#trials-table tbody tr td a");
        browser.await("the trial page", () -> ("Trial #" + first).equals(browser.text(".exp-head h1")));
        browser.await("its repetitions", () -> browser.text("main").contains("Repetitions (3)"));
        browser.await("its curve", () -> browser.colouredPixels(".trial") > 50);
        assertThat(browser.text("#crumbs")).contains("paging-sweep");
        browser.screenshot("trial");

        // A narrow window: the page still lays out and draws.
        browser.size(420, 800);
        try {
            openExperiment("paging-sweep");
            browser.await("the history on a narrow window", () -> browser.colouredPixels("#chart-history") > 50);
            long overflow = ((Number) browser.js("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
            assertThat(overflow).as("horizontal overflow of the page (tables scroll inside their box)").isLessThanOrEqualTo(0);
            browser.screenshot("experiment-narrow");
        } finally {
            browser.size(1280, 800);
        }
    }

    @Test
    void theParameterImportanceShowsAsBarsWithAnObjectivePickerOrItsReason() throws Exception {
        openExperiment("paging-sweep");
        browser.await("the importance bars", () -> browser.findAll("#importance-table tbody tr").size() == 3);
        assertThat(browser.texts("#importance-table tbody th")).containsExactlyInAnyOrder("lr", "layers", "optimizer");
        assertThat(browser.text("#importance-note")).contains("val_loss over 120 complete trials").contains("not a cause");
        assertThat(browser.findAll("#importance-objective")).allSatisfy(e -> assertThat(e.isDisplayed()).isFalse());
        browser.screenshot("experiment-importance");

        openExperiment("tradeoff");
        browser.await("the importance of latency", () -> String.valueOf(browser.text("#importance-note")).contains("latency"));
        new org.openqa.selenium.support.ui.Select(browser.find("#importance-objective")).selectByVisibleText("accuracy");
        browser.await("the importance of accuracy", () -> String.valueOf(browser.text("#importance-note")).contains("accuracy"));

        openExperiment("cnn-tiny");
        browser.await("the reason", () -> String.valueOf(browser.text("#importance-reason")).contains("at least 2 complete trials"));
    }

    @Test
    void theDataQualityReportShowsWhenPresent() throws Exception {
        var report = new LinkedHashMap<String, Object>();
        report.put("dataset", "samples/iris.csv");
        report.put("rows", 150);
        report.put("columns", 3);
        report.put("target", "species");
        report.put("type", "classification");
        report.put("column_types", Map.of("sepal", "numeric", "<b>petal</b>", "numeric", "species", "string"));
        report.put("missing", Map.of("sepal", 3, "<b>petal</b>", 0, "species", 0));
        report.put("outliers", Map.of("sepal", 4));
        report.put("class_balance", Map.of("setosa", 50, "versicolor", 100));
        report.put("usable", true);
        report.put("problems", List.of());
        report.put("warnings", List.of("3 cells are missing; choose an imputation other than none"));
        seed("with-data", "error", 10, 0.5);
        client.putDataReport("with-data", report);

        openExperiment("with-data");
        browser.await("the data-quality table", () -> browser.findAll("#chart-data-report table.columns tbody tr").size() == 3);
        assertThat(browser.texts("#chart-data-report table.columns tbody th")).containsExactlyInAnyOrder("sepal", "<b>petal</b>", "species");
        assertThat(browser.findAll("#chart-data-report b")).isEmpty();
        assertThat(browser.text("#chart-data-report")).contains("3 cells are missing", "Usable for training", "versicolor");
        browser.screenshot("experiment-data-quality");

        // An experiment without a report has no such card.
        openExperiment("cnn-small");
        browser.await("the history", () -> browser.colouredPixels("#chart-history") > 0);
        assertThat(browser.findAll("#chart-data-report")).isEmpty();
    }

    @Test
    void pauseAndResumeFromTheUi() throws Exception {
        seed("control-sweep", "error", 50, 0.3, 0.2, 0.5, 0.4, 0.6);
        openExperiment("control-sweep");
        assertThat(browser.text(".exp-head .badge")).isEqualTo("RUNNING");

        browser.click("#pause");
        browser.await("PAUSED", () -> "PAUSED".equals(browser.text(".exp-head .badge")));
        assertThat(client.describe("control-sweep").state()).isEqualTo(ExperimentState.PAUSED);
        assertThat(browser.find("#pause").isEnabled()).isFalse();
        // The pressed button is disabled now; the keyboard focus moved on to Resume.
        browser.await("focus on Resume", () -> "resume".equals(browser.js("return document.activeElement.id")));

        // A budget below what the experiment has is refused, with the server's message.
        WebElement budget = browser.find("#resume-trials");
        budget.clear();
        budget.sendKeys("2");
        browser.click("#resume");
        browser.await("the server's refusal", () -> browser.text(".control-message.error") != null
                && browser.text(".control-message.error").contains("budget.trials"));
        assertThat(client.describe("control-sweep").state()).isEqualTo(ExperimentState.PAUSED);

        budget = browser.find("#resume-trials");
        budget.clear();
        budget.sendKeys("80");
        browser.click("#resume");
        browser.await("RUNNING", () -> "RUNNING".equals(browser.text(".exp-head .badge")));
        var described = client.describe("control-sweep");
        assertThat(described.state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(described.spec().budget().trials()).isEqualTo(80);
        assertThat(browser.text(".exp-head .facts")).contains("5 / 80 trials");
        browser.screenshot("experiment-controls");

        // Stop asks first; dismissing changes nothing, accepting stops.
        browser.click("#stop");
        browser.driver.switchTo().alert().dismiss();
        assertThat(client.describe("control-sweep").state()).isEqualTo(ExperimentState.RUNNING);
        browser.click("#stop");
        browser.driver.switchTo().alert().accept();
        browser.await("STOPPED", () -> "STOPPED".equals(browser.text(".exp-head .badge")));
        assertThat(client.describe("control-sweep").state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(browser.find("#resume").isEnabled()).isTrue();
        // The page says which token made the last change: the one the browser logged in with.
        browser.await("who stopped it", () -> "admin".equals(browser.js("return [...document.querySelectorAll('.exp-head dt')]"
                + ".find(d => d.textContent === 'State changed by')?.nextElementSibling.textContent")));
        assertThat(browser.text(".exp-head .notice")).isEqualTo("stopped by token admin");
    }

    @Test
    void aReadOnlyTokenSeesNoPauseResumeOrStop() throws Exception {
        seed("read-only-sweep", "error", 50, 0.3, 0.2);
        Trial queued = TrialQueue.of(client).enqueue("read-only-sweep", Map.of("lr", 0.01, "layers", 3, "optimizer", "sgd"));
        String reader = client.createToken("browser-reader", List.of("read")).secret();
        try {
            browser.login(server.url(), reader);
            openExperiment("read-only-sweep");
            browser.await("the read-only note", () -> browser.text("#read-only") != null);
            assertThat(browser.text("#read-only")).contains("browser-reader").contains("write scope");
            browser.await("the queue card with the enqueued configuration", () -> browser.text("#queue-list") != null
                    && browser.text("#queue-list").contains("#" + queued.number()) && browser.text("#queue-list").contains("layers=3"));
            assertThat(browser.findAll("#pause")).isEmpty();
            assertThat(browser.findAll("#resume")).isEmpty();
            assertThat(browser.findAll("#stop")).isEmpty();
            // Without write, the server refuses a change even when a page tries: the buttons hide nothing it would allow.
            Object status = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/api/experiments/read-only-sweep/stop', {method: 'POST'}).then(r => done(r.status));");
            assertThat(((Number) status).intValue()).isEqualTo(403);
            assertThat(client.describe("read-only-sweep").state()).isEqualTo(ExperimentState.RUNNING);
        } finally {
            browser.login(server.url(), server.adminToken());
        }
        openExperiment("read-only-sweep");
        browser.await("the controls", () -> !browser.findAll("#pause").isEmpty());
        assertThat(browser.findAll("#read-only")).isEmpty();
    }

    @Test
    void anUnknownExperimentShowsTheServersMessage() {
        browser.open(url(experimentHash("no-such-sweep")));
        String message = browser.await("the error", () -> browser.text(".exp-head .error"));
        assertThat(message).contains("no-such-sweep");
        assertThat(browser.findAll("#trials-table")).isEmpty();
    }

    @Test
    void aTrialPageListsItsArtifactsTagsAndNotes() {
        var exp = client.launch(spec("tracked-page", 5).minimize("f1_loss").build());
        exp.optimize(trial -> {
            trial.tag("model", "ridge");
            trial.note("a note with <b>markup</b>");
            trial.artifact("curve.csv", "epoch,loss\n1,0.5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            trial.repetition(0, Map.of("f1_loss", 0.4));
            trial.repetition(1, Map.of("f1_loss", 0.6));
            return 0.5;
        }, 1, 1);
        long id = exp.trials().getFirst().id();
        browser.open(url("#/trials/" + id));
        browser.await("the artifacts", () -> !browser.findAll("#trial-artifacts a").isEmpty());
        assertThat(browser.texts("#trial-artifacts tbody td:first-child")).containsExactly("curve.csv");
        assertThat(browser.attributes("#trial-artifacts a", "href")).containsExactly("/api/trials/" + id + "/artifacts/curve.csv");
        assertThat(browser.texts("#trial-labels .tag")).containsExactly("model: ridge");
        assertThat(browser.text("#trial-labels .note")).isEqualTo("a note with <b>markup</b>");
        assertThat(browser.findAll("#app b")).isEmpty();
        assertThat(browser.text("#prov-title")).isEqualTo("Provenance");
        assertThat(browser.text("main")).contains("Repetitions (2)", "runner", "sdk", "class_path");
        // The link downloads the stored bytes.
        Object body = browser.js("return fetch(document.querySelector('#trial-artifacts a').href).then(r => r.text());");
        assertThat(body).isEqualTo("epoch,loss\n1,0.5\n");
    }

    @Test
    void theExperimentsPageFiltersByTagAndHidesArchivedOnes() {
        client.launch(spec("tagged-one", 5).minimize("mae").build()).tag("vision");
        client.launch(spec("archived-one", 5).minimize("mae").build()).archive(true);
        browser.open(url("#/"));
        browser.await("the tagged experiment", () -> browser.texts("#experiments td.name a").contains("tagged-one"));
        assertThat(browser.texts("#experiments td.name a")).doesNotContain("archived-one");
        new Select(browser.find("#filter-tag")).selectByValue("vision");
        browser.await("the tag filter", () -> browser.texts("#experiments td.name a").equals(List.of("tagged-one")));
        new Select(browser.find("#filter-tag")).selectByValue("");
        browser.click("#show-archived");
        browser.await("the archived experiment", () -> browser.texts("#experiments td.name a").contains("archived-one"));
        assertThat(browser.text("#experiments")).contains("archived");
        browser.click("#show-archived");
    }

    @Test
    void aTrialPageDrawsAPbtMembersLineageAndSchedule() {
        client.launch(spec("pbt-page", 5).maximize("accuracy").build());
        TrialProposal parent = client.askLeased("pbt-page");
        client.result(parent.id(), new TrialResult(io.tunelab.api.TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null,
                parent.leaseId(), Map.of()));
        TrialProposal child = client.askLeased("pbt-page");
        var schedule = List.of(
                Map.of("generation", 0, "from_epoch", 0, "to_epoch", 3, "params", Map.of("training.learning_rate", 0.01)),
                Map.of("generation", 1, "from_epoch", 3, "to_epoch", 6, "params", Map.of("training.learning_rate", 0.012)));
        client.result(child.id(), new TrialResult(io.tunelab.api.TrialState.COMPLETE, Map.of("accuracy", 0.95), null, null,
                child.leaseId(), Map.of("pbt", Map.of("parent", parent.id(), "generation", 1, "member", 0, "start_epoch", 3,
                        "epochs_run", 3, "schedule", schedule))));
        browser.open(url("#/trials/" + child.id()));
        browser.await("the lineage", () -> !browser.findAll("#lineage-parent").isEmpty());
        assertThat(browser.attributes("#lineage-parent", "href")).singleElement().asString().endsWith("#/trials/" + parent.id());
        assertThat(browser.texts("#lineage-schedule tbody tr")).hasSize(2);
        assertThat(browser.text("#lineage-schedule")).contains("0 → 3", "3 → 6", "training.learning_rate", "0.012");
        assertThat(browser.text("#trial-lineage")).contains("3 → 6");
        browser.click("#lineage-parent");
        browser.await("the parent's page", () -> browser.text("main").contains("Trial #" + parent.number()));
    }
}
