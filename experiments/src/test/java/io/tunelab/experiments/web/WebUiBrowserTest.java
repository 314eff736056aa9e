package io.tunelab.experiments.web;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.WarmStart;
import io.tunelab.client.TrialQueue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An experiment's and a trial's pages in a real browser: live updates, charts that draw,
 * parameter importance, the data quality report, the controls and what a read-only token sees,
 * and a trial's artifacts, labels and PBT lineage.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest extends SeededWebUi {
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
    void importedTrialsShowBesideTheBudgetNotInIt() {
        seed("warm-source", "warmth", 50, 0.5, 0.4, 0.6);
        var warm = client.launch(spec("warm-started", 5).minimize("warmth").warmStart(WarmStart.of("warm-source", 2)).build());
        warm.tell(warm.ask().id(), Map.of("warmth", 0.3));
        browser.open(url("#/"));
        var row = "#experiments tr[data-experiment='" + warm.id() + "'] .progress-text";
        // The page may first show the list it had, then the one after the tell: wait for the tell's count.
        browser.await("the warm-started row after its tell", () -> browser.text(row) != null
                && browser.text(row).startsWith("1 / 5 trials · 2 imported"));
        assertThat(browser.attributes("#experiments tr[data-experiment='" + warm.id() + "'] [role=progressbar]", "aria-valuenow"))
                .containsExactly("1");
        openExperiment("warm-started");
        browser.await("the header's progress", () -> browser.text(".exp-head .progress-text") != null
                && browser.text(".exp-head .progress-text").startsWith("1 / 5 trials · 2 imported"));
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
        client.putDataReport("with-data", client.askLeased("with-data").leaseId(), report);

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
