package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.server.pruner.Pruners;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.SearchStrategy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Builds an experiment's memory from what the database stores of it (row, trials, finalization,
 * labels, and on a shared database the revision they show), and says which experiments must stay
 * in memory because workers lease from them. Holds nothing but its storage; thread-safe.
 */
final class ExperimentReader {
    private final Storage storage;
    private final BiFunction<ExperimentSpec, Long, SearchStrategy> strategies;
    private final BooleanSupplier shared;

    /** {@code strategies} builds a strategy from a spec and seed; {@code shared} says whether other coordinators share the database. */
    ExperimentReader(Storage storage, BiFunction<ExperimentSpec, Long, SearchStrategy> strategies, BooleanSupplier shared) {
        this.storage = storage;
        this.strategies = strategies;
        this.shared = shared;
    }

    SearchStrategy strategy(ExperimentSpec spec, long seed) {
        return strategies.apply(spec, seed);
    }

    /** The memory of a stored experiment, with every trial, its finalization and labels. */
    LiveExperiment read(StoredExperiment row) {
        // Read before the trials: a later change is caught up on, never missed.
        long revision = shared.getAsBoolean() ? storage.shared().orElseThrow().revision(row.id()) : 0;
        List<StoredTrial> trials = storage.trials(row.id());
        FinalizationRow finalization = storage.finalization(row.id())
                .map(json -> Json.read(json, FinalizationRow.class)).orElse(null);
        var live = LiveExperiment.of(row, strategy(row.spec(), row.seed()), Pruners.create(row.spec().pruner()), trials,
                finalization);
        storage.labels(row.id()).map(json -> Json.read(json, ExperimentLabels.class)).ifPresent(live::loadLabels);
        live.revision = shared.getAsBoolean() ? revision : -1;
        return live;
    }

    /**
     * The memory of an experiment another coordinator created or changed, with none of its trials
     * yet: revision -1, so the caller's catch-up reads them all.
     */
    LiveExperiment empty(StoredExperiment row) {
        var live = new LiveExperiment(row, strategy(row.spec(), row.seed()), Pruners.create(row.spec().pruner()));
        live.revision = -1;
        return live;
    }

    /**
     * Whether a stored experiment is loaded at start: a trial of it is leased ({@code leased}), or
     * workers lease from it (RUNNING with a task, or with a task and its id among {@code finalizing}).
     */
    boolean mustStayLoaded(StoredExperiment row, Set<Long> leased, Set<Long> finalizing) {
        return leased.contains(row.id()) || leasedFrom(row) || (row.spec().task() != null && finalizing.contains(row.id()));
    }

    /** The stored experiments whose winner's finalization is waiting or running, in one query over every experiment. */
    Set<Long> finalizing() {
        var out = new HashSet<Long>();
        storage.index().finalizations().forEach((id, json) -> {
            if (!Json.read(json, FinalizationRow.class).finalization().state().isFinished()) {
                out.add(id);
            }
        });
        return out;
    }

    /** Whether workers lease new trials from a stored experiment: RUNNING, with a task. */
    static boolean leasedFrom(StoredExperiment row) {
        return row.spec().task() != null && row.state() == ExperimentState.RUNNING;
    }

    /**
     * Whether an experiment must stay in memory although idle: workers lease from it (RUNNING with
     * a task, or its winner's finalization waiting or running). Trials under a lease keep it too
     * ({@link LiveExperiment#settled()}).
     */
    static boolean pinned(LiveExperiment e) {
        if (e.spec().task() == null) {
            return false;
        }
        FinalizationRow f = e.finalization();
        return e.isRunning() || (f != null && !f.finalization().state().isFinished());
    }
}
