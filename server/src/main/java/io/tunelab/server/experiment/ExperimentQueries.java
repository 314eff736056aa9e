package io.tunelab.server.experiment;

import io.tunelab.api.Constraint;
import io.tunelab.api.Direction;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.Feasibility;
import io.tunelab.api.Finalization;
import io.tunelab.api.Json;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialRanking;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.Pareto;
import io.tunelab.server.analysis.Ranking;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredFirstReads;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the API reads about experiments and trials: summaries, one experiment, one trial,
 * pages of trials, the significance-aware leaderboard and ranking (cached per experiment until
 * a trial completes), the Pareto front, the optimization history, the intermediate-value
 * curves, the export of every trial, and the stored models and data reports. Changes nothing.
 * Thread-safe; the model and data-report reads go to storage and may block.
 */
public final class ExperimentQueries {
    private final ExperimentRegistry registry;
    private final Storage storage;
    private final Rankings rankings;

    ExperimentQueries(ExperimentRegistry registry, Storage storage, Rankings rankings) {
        this.registry = registry;
        this.storage = storage;
        this.rankings = rankings;
        firstReadsFrom(PREPARED_MIN_TRIALS);
    }

    /** Stores the first reads ({@link #firstReads}) of experiments of at least {@code minTrials} trials from now on. */
    void firstReadsFrom(int minTrials) {
        registry.firstReadsBy(e -> firstReads(e, minTrials));
    }

    /** Stores the changed summaries of experiments unused for {@code quiet} (for tests; see {@link ExperimentRegistry#STORE_WHEN_QUIET}). */
    void storeWhenQuietFor(Duration quiet) {
        registry.storeWhenQuietFor(quiet);
    }

    /** The most curves one {@link #curves} answers. */
    public static final int MAX_CURVES = 1000;

    /** The page a browser asks for first: the leaderboard's 50 best by value, as the web UI opens it. */
    static final TrialQuery FIRST_PAGE = new TrialQuery(0, 50, "value", false, null);

    /** {@link #FIRST_PAGE} best first for an experiment that maximizes: the web UI asks for it once it knows. */
    static final TrialQuery FIRST_PAGE_DESCENDING = new TrialQuery(0, 50, "value", true, null);

    /**
     * How many of the most recently updated experiments {@link #prepare()} loads when they are not
     * in memory and hold at least {@value #PREPARED_MIN_TRIALS} trials: after a clean stop a start
     * reads only the catalog, so without this the first reader of the large experiment a user was
     * just watching paid for reading its trials (about 0.9 s for 10,000 of them on a cold server
     * here). The web UI's first two reads of a large experiment not prepared are answered as
     * stored at its last clean stop or eviction ({@link #experimentJson}, {@link #trialsJson});
     * what it reads next (its charts) loads it. Smaller ones stay unloaded until first asked for,
     * where the cost is mostly code not yet compiled rather than trials read: the demo's 60-trial
     * experiment took 0.26–0.36 s for its first GET on a restarted server and 0.09–0.11 s for its
     * first page.
     */
    static final int PREPARED_ON_START = 3;
    static final int PREPARED_MIN_TRIALS = 1_000;

    /**
     * Builds, for every experiment in memory and the {@value #PREPARED_ON_START} most recently
     * updated ones of at least {@value #PREPARED_MIN_TRIALS} trials (loading those from the
     * database), the most recently active first, what its page reads first: the
     * significance-aware ranking and the view of its trials by value, and writes that page (and,
     * for an experiment that maximizes, the same page best first, which the page asks for next) and the
     * experiment as JSON once. Run after a start, off the request path, so that the first reader of
     * a 10,000-trial experiment finds both built and the code that serves them warm instead of
     * paying for it. Changes nothing a reader sees; an experiment deleted meanwhile is skipped.
     * It loads only into room under the server's bound ({@code --max-loaded-experiments}), so it
     * never evicts an experiment to prepare another; what it loads stays subject to idle eviction
     * like anything a reader loads.
     */
    public void prepare() {
        prepare(PREPARED_MIN_TRIALS);
    }

    /** {@link #prepare()}, loading the most recent experiments of at least {@code minTrials} trials. */
    void prepare(int minTrials) {
        var inMemory = new HashSet<Long>();
        registry.all().forEach(e -> inMemory.add(e.id()));
        int large = 0;
        int room = registry.roomToLoad();
        for (var s : summaries().stream().sorted(Comparator.comparing(ExperimentSummary::updated).reversed()).toList()) {
            boolean recentLarge = s.totalTrials() >= minTrials && large++ < PREPARED_ON_START;
            if (!inMemory.contains(s.id())) {
                if (!recentLarge || room == 0) {
                    continue;
                }
                room--;
            }
            String ref = Long.toString(s.id());
            try {
                Json.writeBytes(experiment(ref));
                Json.writeBytes(trials(ref, FIRST_PAGE).trials());
                if (!s.objectives().isEmpty() && s.objectives().getFirst().direction() == Direction.MAXIMIZE) {
                    // The page asks for the best first once it knows the experiment maximizes.
                    Json.writeBytes(trials(ref, FIRST_PAGE_DESCENDING).trials());
                }
            } catch (TunelabException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                // deleted since the summaries were read: nothing to prepare
            }
        }
    }

    /**
     * Stores the catalog summaries of the experiments in memory, and those queued, before
     * returning: a clean stop calls it before closing the storage, so the next start reads the
     * catalog without reading the trials.
     */
    public void storeSummaries() {
        registry.storeSummaries();
    }

    /** How many experiments are in memory now. */
    int loadedExperiments() {
        return registry.loadedCount();
    }

    /** Whether the ranking of an experiment is built and current (for tests of {@link #prepare()}). */
    boolean hasCurrentRanking(String ref) {
        return rankings.isCurrent(registry.find(ref));
    }

    /** Whether the view a page of {@code query} is cut from is built for an experiment (for tests of {@link #prepare()}). */
    boolean hasView(String ref, TrialQuery query) {
        return registry.find(ref).hasView(query);
    }

    /** Every experiment's summary, by id, whether it is in memory or not. */
    public List<ExperimentSummary> summaries() {
        return registry.currentSummaries();
    }

    /**
     * The summaries that carry {@code tag} (any when null) and whose archived flag is
     * {@code archived} (either when null).
     */
    public List<ExperimentSummary> summaries(String tag, Boolean archived) {
        return summaries().stream()
                .filter(s -> tag == null || s.labels().tags().contains(tag))
                .filter(s -> archived == null || s.labels().archived() == archived)
                .toList();
    }

    public Experiment experiment(String ref) {
        return registry.current(ref).experiment();
    }

    /**
     * {@link #experiment} as JSON: for an experiment not in memory, what was stored with its
     * summary at its current revision when there is that ({@link #firstReads}), without reading
     * its trials; else made from memory, loading it.
     */
    public byte[] experimentJson(String ref) {
        StoredFirstReads stored = storedFirstReads(ref);
        return stored != null ? stored.experiment().getBytes(StandardCharsets.UTF_8) : Json.writeBytes(experiment(ref));
    }

    /**
     * {@link #trials} as JSON, with how many trials the whole list holds: the leaderboard's first
     * page by value (either order) of an experiment not in memory as stored with its summary at its
     * current revision when there is that ({@link #firstReads}), without reading its trials; else
     * made from memory.
     */
    public JsonPage trialsJson(String ref, TrialQuery query) {
        boolean descending = FIRST_PAGE_DESCENDING.equals(query);
        StoredFirstReads stored = descending || FIRST_PAGE.equals(query) ? storedFirstReads(ref) : null;
        if (stored != null) {
            return new JsonPage(stored.total(), (descending ? stored.descending() : stored.ascending()).getBytes(StandardCharsets.UTF_8));
        }
        TrialPage page = trials(ref, query);
        return new JsonPage(page.total(), Json.writeBytes(page.trials()));
    }

    /** One page of a list as JSON, and how many items the whole list holds. */
    public record JsonPage(int total, byte[] json) {
    }

    /** What was stored of the experiment {@code ref} names for a browser's first reads, when it is not in memory; else null. */
    private StoredFirstReads storedFirstReads(String ref) {
        Long id = registry.unloadedId(ref);
        return id == null ? null : storage.index().firstReads(id, BuildStamp.current()).orElse(null);
    }

    /**
     * What a browser reads first of {@code e}, made from memory as {@link #experiment} and the
     * leaderboard's {@link #FIRST_PAGE} in both orders answer it, to store beside its summary (the caller holds its
     * monitor, so both show one state); null for an experiment of fewer than {@code minTrials}
     * trials, which a cold server reads quickly enough (see {@link #PREPARED_ON_START}).
     */
    StoredFirstReads firstReads(LiveExperiment e, int minTrials) {
        if (e.trialCount() < minTrials) {
            return null;
        }
        TrialPage ascending = trials(e, FIRST_PAGE);
        return new StoredFirstReads(BuildStamp.current(), Json.write(e.experiment()), ascending.total(), Json.write(ascending.trials()),
                Json.write(trials(e, FIRST_PAGE_DESCENDING).trials()));
    }

    /**
     * A trial; the winner shows its finalization (refit and test score) beside its selection
     * statistics, and a finished trial of an experiment with constraints whether it keeps them.
     */
    public Trial trial(long trialId) {
        LiveExperiment e = registry.currentOwner(trialId);
        Trial t = e.trial(trialId).trial();
        return t.withFinalization(e.finalizationOf(trialId)).withFeasibility(Feasibility.of(e.spec().constraints(), t));
    }

    /** A trial just told, as {@link #trial} shows it: with its feasibility under its experiment's constraints. */
    public Trial told(Trial t) {
        return t.withFeasibility(Feasibility.of(registry.owner(t.id()).spec().constraints(), t)); // the tell caught up already
    }

    /** A page of trials; each complete one carries its rank on the significance-aware leaderboard. */
    public TrialPage trials(String ref, TrialQuery query) {
        return trials(registry.current(ref), query);
    }

    private TrialPage trials(LiveExperiment e, TrialQuery query) {
        if (query.sort() != null && query.sort().startsWith("param:")) {
            String param = query.sort().substring("param:".length());
            var names = e.spec().space().names();
            if (!names.contains(param)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "sort: experiment " + e.name() + " has no param \"" + param
                        + "\"; its params: " + (names.isEmpty() ? "none yet" : String.join(", ", names)), Map.of("sort", query.sort()));
            }
        }
        TrialPage page = e.page(query);
        List<Constraint> constraints = e.spec().constraints();
        if (page.trials().stream().noneMatch(t -> t.state() == TrialState.COMPLETE)) {
            return constraints.isEmpty() ? page : new TrialPage(page.total(), page.trials().stream()
                    .map(t -> t.withFeasibility(Feasibility.of(constraints, t))).toList());
        }
        Rankings.Ranked ranked = rankings.of(e);
        return new TrialPage(page.total(), page.trials().stream()
                .map(t -> t.withRank(ranked.of(t.id())).withFinalization(e.finalizationOf(t.id()))
                        .withFeasibility(Feasibility.of(constraints, t))).toList());
    }

    /**
     * A page of the significance-aware leaderboard by the primary objective: the complete trials
     * with the best first, then those tied with it, those significantly worse, and those ranked
     * by value alone; each trial carries its rank. The trials a race ended (RACED_OUT, without a
     * rank; their race is in their provenance) come after them, best value first.
     */
    public TrialPage leaderboard(String ref, int offset, int limit) {
        LiveExperiment e = registry.current(ref);
        List<RankedTrial> all = rankings.of(e).ranking().trials();
        List<Trial> racedOut = e.trialsIn(TrialState.RACED_OUT);
        var trials = new ArrayList<Trial>();
        for (RankedTrial r : page(all, offset, limit)) {
            Trial t = e.trial(r.trialId()).trial();
            trials.add(Transitions.withoutReports(t).withRank(r).withFinalization(e.finalizationOf(r.trialId()))
                    .withFeasibility(Feasibility.of(e.spec().constraints(), t)));
        }
        if (trials.size() < limit && !racedOut.isEmpty()) {
            racedOut.sort(Ranking.byObjective(e.spec().primary()));
            page(racedOut, Math.max(0, offset - all.size()), limit - trials.size()).forEach(t -> trials.add(Transitions.withoutReports(t)
                    .withFeasibility(Feasibility.of(e.spec().constraints(), t))));
        }
        return new TrialPage(all.size() + racedOut.size(), trials);
    }

    /** A page of the significance-aware ranking by the primary objective, with the test and alpha that made it. */
    public RankingPage ranking(String ref, int offset, int limit) {
        TrialRanking ranking = rankings.of(registry.current(ref)).ranking();
        return new RankingPage(ranking.trials().size(), new TrialRanking(ranking.objective(), ranking.test(), ranking.alpha(),
                page(ranking.trials(), offset, limit)));
    }

    /** One page of a ranking and how many trials it holds in all. */
    public record RankingPage(int total, TrialRanking ranking) {
    }

    private static <T> List<T> page(List<T> all, int offset, int limit) {
        if (offset < 0) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > TrialQuery.MAX_LIMIT) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to " + TrialQuery.MAX_LIMIT + ", got " + limit);
        }
        int from = Math.min(offset, all.size());
        return List.copyOf(all.subList(from, Math.min(all.size(), from + limit)));
    }

    /**
     * The non-dominated complete trials by every objective; with constraints, among the trials
     * that keep them (as Optuna's best trials), so the front is empty while none does.
     */
    public List<Trial> pareto(String ref) {
        Snapshot s = snapshotOf(ref);
        List<Constraint> constraints = s.spec().constraints();
        List<Trial> trials = constraints.isEmpty() ? s.trials()
                : s.trials().stream().filter(t -> Constraint.violation(constraints, t.values()) == 0).toList();
        return Pareto.front(trials, s.spec().objectives()).stream().map(Transitions::withoutReports).toList();
    }

    /** Optimization history of the primary objective in columns: trial numbers, values, best so far. */
    public OptimizationHistory history(String ref) {
        Snapshot s = snapshotOf(ref);
        return TrialViews.history(s.trials(), s.spec().primary());
    }

    /** Intermediate-value curves of the primary metric of the latest trials that reported. */
    public List<Curve> curves(String ref, int limit) {
        if (limit < 1 || limit > MAX_CURVES) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to " + MAX_CURVES + ", got " + limit);
        }
        Snapshot s = snapshotOf(ref);
        return TrialViews.curves(s.trials(), s.spec().primary(), limit);
    }

    /** The experiment's trials as a table to write out as CSV or JSON, taken now. */
    public TrialExport export(String ref) {
        Snapshot s = snapshotOf(ref);
        return TrialExport.of(s.spec(), s.trials());
    }

    /**
     * The file name {@link #export} would give the experiment's export in {@code format}, read
     * without loading the experiment or its trials: what a HEAD of the export answers. NOT_FOUND as
     * {@link #export}.
     */
    public String exportFileName(String ref, ExportFormat format) {
        return TrialExport.fileName(registry.storedName(ref), format);
    }

    /** Writes trial {@code trialId}'s stored model to {@code out}, not holding it whole; NOT_FOUND when it has none. */
    public void copyModel(long trialId, OutputStream out) throws IOException {
        registry.currentOwner(trialId);
        if (!storage.copyModel(trialId, out)) {
            throw noModel(trialId);
        }
    }

    /**
     * How many bytes {@link #copyModel} would write, as the database knows the stored model's
     * length: neither the model nor the trial's experiment is read (what a HEAD of the model
     * answers). NOT_FOUND as {@link #copyModel}; without a model, whether the trial is still stored
     * is asked of the database, not of this coordinator's memory: another coordinator may have
     * deleted its experiment a moment ago, and "no stored model" would then name a trial that is gone.
     */
    public long modelBytes(long trialId) {
        OptionalLong bytes = storage.modelBytes(trialId);
        if (bytes.isEmpty()) {
            registry.requireStoredTrial(trialId);
            throw noModel(trialId);
        }
        return bytes.getAsLong();
    }

    private static TunelabException noModel(long trialId) {
        return TunelabException.of(ErrorCode.NOT_FOUND, "trial " + trialId + " has no stored model; only trials run by a worker "
                + "with a task have one");
    }

    /**
     * Writes the refit model of the experiment's finalization to {@code out}, not holding it whole;
     * answers the finalization it belongs to. NOT_FOUND when the experiment has no finalization,
     * or its refit has stored no model yet.
     */
    public Finalization copyFinalizationModel(String ref, OutputStream out) throws IOException {
        LiveExperiment e = registry.current(ref);
        Finalization f = withRefitModel(e);
        if (!storage.copyFinalizationModel(e.id(), out)) {
            throw noRefitModel(e, f);
        }
        return f;
    }

    /**
     * The finalization whose refit model {@link #copyFinalizationModel} would write, with the size
     * recorded when the model was stored ({@link Finalization#modelBytes}): the model is not read.
     * NOT_FOUND as {@link #copyFinalizationModel}.
     */
    public Finalization finalizationModel(String ref) {
        return withRefitModel(registry.current(ref));
    }

    /** The experiment's finalization, which names a refit model: NOT_FOUND when there is none, or it has none yet. */
    private static Finalization withRefitModel(LiveExperiment e) {
        FinalizationRow row = e.finalization();
        if (row == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "experiment \"" + e.name() + "\" has no finalization, so no refit model; "
                    + "start one with tunelab finalize " + ShellWord.of(e.name()) + ", or download a trial's own model with GET /api/trials/{id}/model");
        }
        Finalization f = row.finalization();
        if (f.modelSha256() == null || f.modelBytes() == null) {
            throw noRefitModel(e, f);
        }
        return f;
    }

    private static TunelabException noRefitModel(LiveExperiment e, Finalization f) {
        return TunelabException.of(ErrorCode.NOT_FOUND, "the finalization of experiment \"" + e.name() + "\" (trial #" + f.number()
                + ", " + f.state() + ") has no refit model yet; a worker uploads it when its refit ends, and a test score "
                + "told through the SDK comes without one; the trial's own model is at GET /api/trials/" + f.trialId() + "/model",
                Map.of("trial", f.trialId()));
    }

    public Map<String, Object> dataReport(String ref) {
        LiveExperiment e = registry.current(ref);
        String json = storage.dataReport(e.id()).orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "experiment \"" + e.name() + "\" has no data report yet; a worker computes it when it first runs the task"));
        @SuppressWarnings("unchecked")
        Map<String, Object> report = Json.read(json, Map.class);
        return report;
    }

    /** An experiment's trials and spec, taken together. */
    private record Snapshot(List<Trial> trials, ExperimentSpec spec) {
    }

    private Snapshot snapshotOf(String ref) {
        LiveExperiment e = registry.current(ref);
        synchronized (e) {
            return new Snapshot(e.history(), e.spec());
        }
    }
}
