package io.tunelab.experiments.web;

import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TestResult;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The experiments page and the leaderboard in a real browser: ranking, user strings shown as
 * text, server-side sorting and paging, the keyboard, ties with the best and infeasible trials
 * marked, the winner card's refit model, tag filters, and an unknown experiment's message.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderboardBrowserTest extends SeededWebUi {
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
    void theWinnerCardLinksTheFinalizationsRefitModelAndTheWinnersOwnModel() {
        client.launch(spec("refit-held", 1).maximize("f1").task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
        var request = new LeaseRequest("box:1", List.of("dl4j", "tribuo"), 0);
        Lease trial = client.lease(request).orElseThrow();
        client.uploadModel(trial.trial().id(), trial.leaseId(), new byte[]{1, 2, 3});
        client.result(trial.trial().id(), new TrialResult(TrialState.COMPLETE, Map.of("f1", 0.9), null, null, trial.leaseId(), null));
        Lease refit = client.lease(request).orElseThrow();
        client.uploadModel(refit.trial().id(), refit.leaseId(), new byte[]{4, 2});
        client.test(refit.trial().id(), new TestResult(Map.of("f1", 0.85), null, refit.leaseId()));

        openExperiment("refit-held");
        browser.await("the refit model's link", () -> !browser.findAll("#winner-refit-model").isEmpty());
        assertThat(browser.attributes("#winner-refit-model", "href").getFirst()).endsWith("/api/experiments/refit-held/finalization/model");
        assertThat(browser.attributes("#winner-model", "href").getFirst()).endsWith("/api/trials/" + trial.trial().id() + "/model");
        assertThat(browser.text("#winner")).contains("Download the refit model", "2 bytes, SHA-256 "
                + client.finalization("refit-held").modelSha256());
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

    @Test
    void anExperimentPageAsksForItsFirstReadsAsItLoadsEachOnce() {
        browser.open("about:blank");
        openExperiment("paging-sweep");
        String experiment = "/api/experiments/paging-sweep";
        String firstPage = experiment + "/trials?offset=0&limit=50&sort=value&order=asc";
        // early.js started these as the document loaded; the modules took its responses instead of asking again.
        assertThat(requestsOf("/api/session")).isEqualTo(1);
        assertThat(requestsOf(experiment)).isEqualTo(1);
        assertThat(requestsOf(firstPage)).isEqualTo(1);
        // And early.js asked for the page the leaderboard wants: it asked for no other page by value (the
        // charts' own page of trials, by number, may come before the paint's mark).
        assertThat(browser.js("""
                return performance.getEntriesByType('resource').map(e => new URL(e.name))
                  .filter(u => u.pathname === arguments[0] && u.searchParams.get('sort') === 'value').length""",
                experiment + "/trials")).isEqualTo(1L);
        assertThat(browser.js("return window.tunelabEarlyReads.size")).isEqualTo(0L);
        assertThat(browser.texts("#trials-table tbody tr[data-number]")).hasSize(50);

        // Within the page, going back to the experiment asks the server again: no early read is left to answer it.
        browser.js("location.hash = '#/'");
        browser.await("the experiments", () -> !browser.findAll("#experiments tr[data-experiment]").isEmpty());
        browser.js("location.hash = arguments[0]", experimentHash("paging-sweep"));
        browser.await("the trial leaderboard again", () -> requestsOf(firstPage) == 2
                && !browser.findAll("#trials-table tbody tr[data-number]").isEmpty());
        assertThat(requestsOf(experiment)).isEqualTo(2);
    }

    @Test
    void forAnExperimentThatMaximizesTheFirstPageBestFirstIsAskedAsSoonAsTheExperimentArrivesAndOnce() {
        String best = "/trials?offset=0&limit=50&sort=value&order=desc";
        try {
            // Without the modules only early.js runs: what it made of the page best first, by experiment.
            browser.block("*/js/app.js");
            assertThat(earlyBestFirst("iris-accuracy")).isEqualTo("asked: 200");
            assertThat(earlyBestFirst("paging-sweep")).as("it minimizes").isEqualTo("not asked");
            assertThat(requestsOf("/api/experiments/paging-sweep" + best)).isZero();
        } finally {
            browser.block();
        }
        // With the modules, the leaderboard shows that read instead of asking again.
        browser.open("about:blank");
        openExperiment("iris-accuracy");
        assertThat(column("data-number")).containsExactly("1", "2", "0");
        assertThat(requestsOf("/api/experiments/iris-accuracy" + best)).isEqualTo(1);
        assertThat(requestsOf("/api/experiments/iris-accuracy")).isEqualTo(1);
        assertThat(browser.js("return window.tunelabEarlyReads.size")).isEqualTo(0L);
    }

    /** Opens an experiment's page and answers what early.js's read of its first page best first came to. */
    private String earlyBestFirst(String experiment) {
        browser.open("about:blank");
        browser.open(url(experimentHash(experiment)));
        return (String) browser.js("return window.tunelabEarlyReads.get(arguments[0]).then(r => r ? 'asked: ' + r.status : 'not asked')",
                "/api/experiments/" + experiment + "/trials?offset=0&limit=50&sort=value&order=desc");
    }

    @Test
    void aBrowserNotLoggedInKeepsNoEarlyRead() {
        try (var stranger = new Browser()) {
            stranger.open(url(experimentHash("paging-sweep")));
            stranger.await("the login form", () -> !stranger.findAll("form.login").isEmpty());
            assertThat(stranger.js("return window.tunelabEarlyReads.size")).isEqualTo(0L);
            assertThat(stranger.text("#app")).doesNotContain("paging-sweep");
        }
    }

    /** How many requests the page made to {@code pathAndQuery} since it was opened. */
    private long requestsOf(String pathAndQuery) {
        return ((Number) browser.js("return performance.getEntriesByType('resource')"
                + ".filter(e => { const u = new URL(e.name); return u.pathname + u.search === arguments[0]; }).length",
                pathAndQuery)).longValue();
    }

    @Test
    void anUnknownExperimentShowsTheServersMessage() {
        browser.open(url(experimentHash("no-such-sweep")));
        String message = browser.await("the error", () -> browser.text(".exp-head .error"));
        assertThat(message).contains("no-such-sweep");
        assertThat(browser.findAll("#trials-table")).isEmpty();
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
}
