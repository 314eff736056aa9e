package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.Repetition;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.api.WarmStart;
import io.tunelab.server.storage.StoredTrial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Trials evaluated elsewhere, taken into an experiment's history: the best trials of another
 * experiment when a spec says {@code warm_start} ({@link #warmStart}), or the rows of a CSV
 * ({@link #importCsv}). Imported trials are finished as they were, their provenance says where
 * they came from ({@code imported: {from, trial}} or {@code imported: {from: csv, row}}), the
 * leaderboard ranks them with the others and the strategies learn from them as from any finished
 * trial; they do not count toward {@code budget.trials}. An import is all or nothing: one write.
 * Thread-safe; every method may block.
 */
public final class TrialImports {
    /** The provenance key that marks an imported trial and says where it came from. */
    public static final String IMPORTED = "imported";

    private static final Logger LOG = LoggerFactory.getLogger(TrialImports.class);

    /** One trial to import, before it has an id and a number. */
    record Imported(Map<String, Object> params, TrialState state, Map<String, Double> values, List<Repetition> repetitions,
                    Map<String, Statistics> statistics, String error, Map<String, Object> source, Instant started, Instant finished) {
    }

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Rankings rankings;
    private final StorageClock clock;

    TrialImports(ExperimentRegistry registry, Journal journal, Rankings rankings, StorageClock clock) {
        this.registry = registry;
        this.journal = journal;
        this.rankings = rankings;
        this.clock = clock;
    }

    /** Whether a trial was imported rather than evaluated by this experiment. */
    static boolean isImported(Trial t) {
        return t.provenance().containsKey(IMPORTED);
    }

    /**
     * Imports the finished rows of a CSV (the layout of {@code GET …/trials.csv}) into the
     * experiment, in one write; a bad row imports nothing (see {@link CsvTrials}).
     */
    public TrialImport importCsv(String ref, String csv, String by) {
        LiveExperiment e = registry.current(ref); // its space as other coordinators may have grown it
        CsvTrials.Read read = CsvTrials.read(e.spec(), csv);
        List<StoredTrial> stored = journal.record(e, x -> {
            var entry = Journal.Entry.none();
            var trials = new ArrayList<StoredTrial>();
            for (Imported t : read.trials()) {
                trials.add(stored(t, x.id(), x.reserveNumber(), registry.nextTrialId(), clock.instant(), by));
            }
            trials.forEach(entry::add);
            return entry.answering(trials);
        });
        stored.forEach(t -> registry.registerTrial(t.id(), e));
        LOG.info("{} trials imported into experiment {} from a CSV by token {} ({} rows skipped)", stored.size(),
                LogText.of(e.name()), LogText.of(by), read.skipped());
        return new TrialImport(stored.size(), read.skipped(), stored.stream().map(StoredTrial::id).toList());
    }

    /**
     * The trials a new experiment's {@code warm_start} copies: the {@code top} best complete trials
     * of the experiment it names, by that experiment's leaderboard, whose params fit {@code spec}'s
     * space (every active param present and inside its bounds or choices; params the space does
     * not have are dropped). Empty without a warm start. An unknown experiment, other objectives,
     * or no fitting trial is an INVALID_SPEC error naming {@code warm_start.from}.
     */
    List<Imported> warmStart(ExperimentSpec spec) {
        WarmStart warm = spec.warmStart();
        if (warm == null) {
            return List.of();
        }
        LiveExperiment source;
        try {
            source = registry.current(warm.from()); // caught up on what other coordinators told it
        } catch (TunelabException ex) {
            throw TunelabException.of(ErrorCode.INVALID_SPEC, "warm_start.from: no experiment with id or name \"" + warm.from()
                    + "\"; name one that exists (tunelab experiments lists them)", Map.of("field", "warm_start.from"));
        }
        List<Objective> theirs = source.spec().objectives();
        if (!theirs.equals(spec.objectives())) {
            throw TunelabException.of(ErrorCode.INVALID_SPEC, "warm_start.from: experiment \"" + source.name() + "\" has objectives "
                    + describe(theirs) + ", this spec " + describe(spec.objectives()) + "; a warm start copies trials only "
                    + "between experiments with the same objectives (metrics and directions, in order)", Map.of("field", "warm_start.from"));
        }
        List<RankedTrial> ranked = rankings.of(source).ranking().trials();
        var out = new ArrayList<Imported>();
        for (RankedTrial r : ranked) {
            if (out.size() >= warm.top()) {
                break;
            }
            Trial t = source.trial(r.trialId()).trial();
            Map<String, Object> params = fit(spec.space(), t.params());
            if (params != null) {
                out.add(new Imported(params, TrialState.COMPLETE, t.values(), t.repetitions(), t.statistics(), null,
                        Map.of("from", source.name(), "trial", t.id()), t.started(), t.finished()));
            }
        }
        if (out.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_SPEC, "warm_start.from: none of the " + ranked.size() + " ranked trials of \""
                    + source.name() + "\" fits this search space (every active param present and inside its bounds or "
                    + "choices); widen the space or warm-start from another experiment", Map.of("field", "warm_start.from"));
        }
        return out;
    }

    /**
     * The trials {@code original}'s warm start copied when it was created, as they are there, so
     * a clone starts as the original did: the same history under the same seed, whatever the
     * experiment its {@code warm_start} names has become since (better trials, another name,
     * deleted, or its name taken by another). Null when the original has no warm start.
     */
    List<Imported> warmStartOf(LiveExperiment original) {
        if (original.spec().warmStart() == null) {
            return null;
        }
        var out = new ArrayList<Imported>();
        for (Trial t : original.trialsIn(TrialState.COMPLETE)) {
            // A warm start's provenance names the trial it copied; a CSV's names its row.
            if (t.provenance().get(IMPORTED) instanceof Map<?, ?> source && source.containsKey("trial")) {
                var from = new LinkedHashMap<String, Object>();
                source.forEach((k, v) -> from.put(String.valueOf(k), v));
                out.add(new Imported(t.params(), TrialState.COMPLETE, t.values(), t.repetitions(), t.statistics(), null, from,
                        t.started(), t.finished()));
            }
        }
        return out;
    }

    /** The trials of a warm start as the new experiment {@code experimentId} stores them, numbered from 0. */
    List<StoredTrial> stored(List<Imported> trials, long experimentId, Instant now, String by) {
        var out = new ArrayList<StoredTrial>(trials.size());
        for (int i = 0; i < trials.size(); i++) {
            out.add(stored(trials.get(i), experimentId, i, registry.nextTrialId(), now, by));
        }
        return out;
    }

    private static StoredTrial stored(Imported t, long experimentId, int number, long id, Instant now, String by) {
        return StoredTrial.of(Transitions.imported(id, experimentId, number, t, now, by));
    }

    /** The params of {@code space} in {@code params}, canonical, or null when an active one is missing or out of bounds. */
    static Map<String, Object> fit(SearchSpace space, Map<String, Object> params) {
        var out = new LinkedHashMap<String, Object>();
        for (var e : space.params().entrySet()) {
            String name = e.getKey();
            if (!space.isActive(name, out)) {
                continue;
            }
            Object v = params.get(name);
            if (v == null) {
                return null;
            }
            try {
                out.put(name, e.getValue().coerce(v));
            } catch (TunelabException ex) {
                return null;
            }
        }
        return out;
    }

    private static String describe(List<Objective> objectives) {
        return objectives.stream().map(o -> o.metric() + " (" + o.direction().name().toLowerCase(java.util.Locale.ROOT) + ")").toList()
                .toString();
    }
}
