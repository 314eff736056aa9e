package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialRanking;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.RankingPolicy;
import io.tunelab.server.analysis.SignificanceRanking;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The significance-aware ranking of each experiment's complete trials by its primary objective,
 * computed when first asked for and kept until another trial of the experiment completes.
 * Complete trials never change and never stop being complete, so their count names the
 * version of the ranking. Thread-safe; a ranking is computed outside the experiment's monitor.
 */
final class Rankings {
    /** One experiment's ranking at a version, with each trial's place found by id. */
    record Ranked(int version, TrialRanking ranking, Map<Long, RankedTrial> byTrial) {
        /** Where a trial stands, or null when it is not ranked (not complete, or no value). */
        RankedTrial of(long trialId) {
            return byTrial.get(trialId);
        }
    }

    private final Map<Long, Ranked> cache = new ConcurrentHashMap<>();

    /** Drops the ranking of an experiment no longer in memory. */
    void forget(long experimentId) {
        cache.remove(experimentId);
    }

    /** Whether the experiment's ranking is built and no trial completed since. */
    boolean isCurrent(LiveExperiment e) {
        Ranked cached = cache.get(e.id());
        return cached != null && cached.version() == e.count(TrialState.COMPLETE);
    }

    /** The current ranking of an experiment. */
    Ranked of(LiveExperiment e) {
        Ranked cached = cache.get(e.id());
        if (cached != null && cached.version() == e.count(TrialState.COMPLETE)) {
            return cached;
        }
        int version;
        List<Trial> complete;
        ExperimentSpec spec;
        synchronized (e) {
            version = e.count(TrialState.COMPLETE);
            complete = e.trialsIn(TrialState.COMPLETE);
            spec = e.spec();
        }
        RankingPolicy policy = RankingPolicy.ofStored(spec);
        TrialRanking ranking = SignificanceRanking.rank(complete, spec.primary(), policy::kindOf, policy.kind().test(),
                policy.alpha(), spec.racing() != null, spec.constraints());
        var byTrial = new HashMap<Long, RankedTrial>(ranking.trials().size() * 2);
        ranking.trials().forEach(r -> byTrial.put(r.trialId(), r));
        Ranked fresh = new Ranked(version, ranking, byTrial);
        return cache.merge(e.id(), fresh, (old, computed) -> computed.version() >= old.version() ? computed : old);
    }

    /** The spec's policy; a spec stored before its folds were checked falls back to seeds rather than fail every read. */
}
