package io.tunelab.server.experiment;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredFirstReads;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser reads first of a large experiment, stored beside its catalog summary: a start
 * after a clean stop answers the experiment and the leaderboard's first page from it, byte for
 * byte what the experiment in memory answers, without loading the experiment; any other page
 * loads it; a small experiment stores none; and once the experiment changed (a label, a trial,
 * with or without a clean stop) the stored answers are never served again; nor are those another
 * build of the server stored; and no read misses a trial told before it began while tells, evictions
 * and reads race. An experiment in memory that changed and then went unused for the quiet time has
 * them stored without a stop or an eviction, so a start after a kill answers them too, and is
 * stored again only once it changed again.
 */
class StoredFirstReadsTest {
    /** The fewest trials an experiment here needs for its first reads to be stored. */
    private static final int LARGE = 20;

    @TempDir
    Path dir;
    @RegisterExtension
    final Storages storages = new Storages();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private Coordinator open() {
        var storage = storages.openDataDirectory(dir);
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withMemory(100, Duration.ofHours(1));
        Coordinator c = Coordinator.open(storage, () -> now, Events.NONE, config, null);
        c.queries().firstReadsFrom(LARGE);
        return c;
    }

    private JdbcStorage storage() {
        return storages.last();
    }

    /** Asks and tells {@code n} trials of {@code ref}: every fifth fails, the rest complete. */
    private static void sweep(Coordinator c, String ref, int n) {
        StoredSummariesTest.sweep(c, ref, n);
    }

    private static long create(Coordinator c, String name, int trials) {
        long id = c.experiments().create(ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy("random").seed(7L).trials(100).build(), "tester").id();
        sweep(c, name, trials);
        return id;
    }

    private static String experiment(Coordinator c, String ref) {
        return new String(c.queries().experimentJson(ref), StandardCharsets.UTF_8);
    }

    /** The leaderboard's first page by value, ascending then descending, each as "TOTAL JSON" on a line. */
    private static String firstPage(Coordinator c, String ref) {
        return page(c, ref, ExperimentQueries.FIRST_PAGE) + "\n" + page(c, ref, ExperimentQueries.FIRST_PAGE_DESCENDING);
    }

    private static String page(Coordinator c, String ref, TrialQuery query) {
        ExperimentQueries.JsonPage page = c.queries().trialsJson(ref, query);
        return page.total() + " " + new String(page.json(), StandardCharsets.UTF_8);
    }

    @Test
    void aStartAfterACleanStopAnswersALargeExperimentsFirstReadsAsStoredWithoutLoadingItAndAnyOtherPageLoadsIt() {
        Coordinator c = open();
        long big = create(c, "big", 30);
        long small = create(c, "small", LARGE - 1);
        String experiment = experiment(c, "big");
        String page = firstPage(c, "big");
        assertThat(page.lines()).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("30 [")).doesNotHaveDuplicates();
        c.queries().storeSummaries();
        storages.closeLast();

        Coordinator fresh = open();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("stored with the summary").isPresent();
        assertThat(storage().index().firstReads(small, BuildStamp.current())).as("a small experiment stores none").isEmpty();
        assertThat(experiment(fresh, "big")).isEqualTo(experiment);
        assertThat(firstPage(fresh, "big")).isEqualTo(page);
        assertThat(experiment(fresh, Long.toString(big))).as("by id").isEqualTo(experiment);
        assertThat(fresh.queries().loadedExperiments()).as("answered without loading it").isZero();

        assertThat(Json.write(fresh.queries().trials("big", new TrialQuery(0, 10, "number", false, null)).trials()))
                .as("another page is read from the trials").contains("\"number\":9");
        assertThat(fresh.queries().loadedExperiments()).isOne();
        assertThat(experiment(fresh, "big")).as("the experiment in memory answers the same").isEqualTo(experiment);
        assertThat(firstPage(fresh, "big")).isEqualTo(page);

        experiment(fresh, "small");
        assertThat(fresh.queries().loadedExperiments()).as("the small one is loaded to answer").isEqualTo(2);
    }

    @Test
    void aChangeAfterTheFirstReadsWereStoredIsNeverAnsweredFromThem() {
        Coordinator c = open();
        long big = create(c, "big", 30);
        c.queries().storeSummaries();
        storages.closeLast();

        // A label changed without loading the experiment.
        Coordinator labelled = open();
        labelled.catalog().update("big", new ExperimentPatch(null, List.of("tagged"), null, null, null, null), null);
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("the revision moved past them").isEmpty();
        assertThat(experiment(labelled, "big")).contains("tagged");
        labelled.queries().storeSummaries();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("stored again at the clean stop").isPresent();
        storages.closeLast();

        // A trial told, then a kill: nothing stored on the way out.
        Coordinator told = open();
        assertThat(experiment(told, "big")).contains("tagged");
        sweep(told, "big", 1);
        String experiment = experiment(told, "big");
        String page = firstPage(told, "big");
        assertThat(page).startsWith("31 [");
        storages.closeLast();

        Coordinator afterKill = open();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).isEmpty();
        assertThat(experiment(afterKill, "big")).isEqualTo(experiment);
        assertThat(firstPage(afterKill, "big")).isEqualTo(page);
    }

    @Test
    void anExperimentQuietForAWhileHasItsFirstReadsStoredSoAStartAfterAKillAnswersThemWithoutLoadingIt() {
        Coordinator c = open();
        long big = create(c, "big", 30);
        c.queries().storeWhenQuietFor(Duration.ofHours(1));
        c.leases().reapQuietly();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("used within the quiet time: nothing stored").isEmpty();

        c.queries().storeWhenQuietFor(Duration.ZERO);
        c.leases().reapQuietly();
        String experiment = experiment(c, "big");
        String page = firstPage(c, "big");
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("quiet, changed since none was stored").isPresent();
        assertThat(storage().index().summaries()).as("and its catalog summary").containsKey(big);
        storages.closeLast();

        // A kill: nothing stored on the way out, yet the start answers both without reading a trial.
        Coordinator afterKill = open();
        assertThat(experiment(afterKill, "big")).isEqualTo(experiment);
        assertThat(firstPage(afterKill, "big")).isEqualTo(page);
        assertThat(afterKill.queries().loadedExperiments()).isZero();
    }

    @Test
    void aQuietExperimentIsStoredAgainOnlyOnceItChanged() {
        Coordinator c = open();
        long big = create(c, "big", 30);
        c.queries().storeWhenQuietFor(Duration.ZERO);
        c.leases().reapQuietly();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).isPresent();

        // A row that only this test writes, at the current revision: a store would replace it.
        long revision = storage().index().revision(big);
        String summary = storage().index().summaries().get(big);
        storage().write(w -> w.putSummary(big, revision, summary, new StoredFirstReads(BuildStamp.current(), "{\"marked\":true}", 7, "[]", "[]")));
        c.leases().reapQuietly();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("unchanged: not stored again")
                .hasValueSatisfying(f -> assertThat(f.experiment()).isEqualTo("{\"marked\":true}"));

        sweep(c, "big", 1);
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("the tell moved the revision past them").isEmpty();
        c.leases().reapQuietly();
        assertThat(storage().index().firstReads(big, BuildStamp.current())).as("changed: stored again")
                .hasValueSatisfying(f -> assertThat(f.total()).isEqualTo(31));
        assertThat(storage().index().firstReads(big, BuildStamp.current()).orElseThrow().experiment()).isEqualTo(experiment(c, "big"));
    }

    @Test
    void firstReadsAreServedAsStoredAndOnlyByTheBuildThatStoredThem() {
        Coordinator c = open();
        long big = create(c, "big", 30);
        c.queries().storeSummaries();
        storages.closeLast();

        Coordinator fresh = open();
        String summary = Json.write(fresh.queries().summaries().getFirst());
        long revision = storage().index().revision(big);
        storage().write(w -> w.putSummary(big, revision, summary,
                new StoredFirstReads(BuildStamp.current(), "{\"stored\":true}", 7, "[]", "[1]")));
        assertThat(experiment(fresh, "big")).as("what is stored is what is served").isEqualTo("{\"stored\":true}");
        assertThat(firstPage(fresh, "big")).isEqualTo("7 []\n7 [1]");

        storage().write(w -> w.putSummary(big, revision, summary, new StoredFirstReads("another-build", "{\"stored\":true}", 7, "[]", "[1]")));
        assertThat(experiment(fresh, "big")).as("another build's are not").contains("\"name\":\"big\"");
        assertThat(firstPage(fresh, "big").lines()).allSatisfy(p -> assertThat(p).startsWith("30 ["));
        assertThat(fresh.queries().loadedExperiments()).isOne();
    }

    /**
     * Tells go on, the experiment evicted after each (its first reads queued for storing, written a
     * moment later) and loaded again by the next, while readers ask for its first reads: a read
     * that begins after a tell was answered always shows that trial, whether memory, the stored
     * row or the trials answer it.
     */
    @Test
    @Tag("slow")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aReadNeverMissesATrialToldBeforeItBeganWhileTheExperimentIsEvictedAndLoadedOverAndOver() throws Exception {
        var storage = storages.openDataDirectory(dir);
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withMemory(100, Duration.ZERO);
        Coordinator c = Coordinator.open(storage, () -> now, Events.NONE, config, null);
        c.queries().firstReadsFrom(1);
        c.experiments().create(ExperimentSpec.builder("busy").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy("random").seed(7L).trials(1_000).build(), "tester");
        var told = new AtomicInteger();
        var done = new AtomicBoolean();
        var failures = new ConcurrentLinkedQueue<String>();
        var outOfMemory = new AtomicInteger();
        Thread teller = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    sweep(c, "busy", 1);
                    told.incrementAndGet();
                    c.leases().reapQuietly(); // evicts it: its first reads are queued for storing
                    System.gc(); // and forgets it: until then an evicted experiment still answers from memory
                }
            } catch (RuntimeException e) {
                failures.add("the teller failed: " + e);
            } finally {
                done.set(true);
            }
        });
        var readers = new ArrayList<Thread>();
        for (int r = 0; r < 2; r++) {
            boolean afterEviction = r == 0; // one reader reads as soon as the experiment left memory, the other at any moment
            readers.add(Thread.ofPlatform().daemon(true).start(() -> {
                while (!done.get() && failures.size() < 10) {
                    while (afterEviction && c.queries().loadedExperiments() > 0 && !done.get()) {
                        Thread.onSpinWait();
                    }
                    int before = told.get();
                    boolean unloaded = c.queries().loadedExperiments() == 0;
                    int total = c.queries().trialsJson("busy", ExperimentQueries.FIRST_PAGE).total();
                    var summary = Json.read(experiment(c, "busy"), Experiment.class).summary();
                    int shown = summary.trials().values().stream().mapToInt(Integer::intValue).sum();
                    if (shown < before || total < before) {
                        failures.add("told " + before + " before the read, the experiment showed " + shown + " and its page " + total);
                    }
                    if (unloaded) {
                        outOfMemory.incrementAndGet();
                    }
                }
            }));
        }
        teller.join();
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(outOfMemory.get()).as("reads that found the experiment out of memory").isPositive();
    }
}
