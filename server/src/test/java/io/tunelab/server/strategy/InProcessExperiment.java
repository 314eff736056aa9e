package io.tunelab.server.strategy;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * An experiment held in memory and driven straight through {@link Strategies}, for the
 * strategy tests and programs of this package. Asks with {@link #get()}, tells with {@link #accept}.
 * Not thread-safe.
 */
public final class InProcessExperiment implements Supplier<TrialProposal>, BiConsumer<Long, Map<String, Double>> {
    private final ExperimentSpec spec;
    private final SearchStrategy strategy;
    private final long seed;
    private final List<Trial> history = new ArrayList<>();

    private InProcessExperiment(ExperimentSpec spec) {
        this.spec = spec;
        this.seed = spec.effectiveSeed() == null ? 0 : spec.effectiveSeed();
        this.strategy = Strategies.create(spec.strategy(), spec.space(), spec.objectives(), seed);
    }

    public static InProcessExperiment launch(ExperimentSpec spec) {
        return new InProcessExperiment(spec);
    }

    public List<Trial> history() {
        return List.copyOf(history);
    }

    @Override
    public TrialProposal get() {
        int number = history.size();
        var params = strategy.propose(new ProposalContext(spec.space(), spec.objectives(), seed, number, history, null,
                spec.constraints()));
        var validated = spec.space().validate(params);
        history.add(trial(number, validated, TrialState.RUNNING, null));
        return new TrialProposal(number + 1, number, validated);
    }

    @Override
    public void accept(Long trialId, Map<String, Double> values) {
        int number = (int) (trialId - 1);
        var t = history.get(number);
        history.set(number, trial(number, t.params(), TrialState.COMPLETE, values));
    }

    static Trial trial(int number, Map<String, Object> params, TrialState state, Map<String, Double> values) {
        return new Trial(number + 1, 1, number, params, state, values, null, null, null, null, null, null, null, null, null, null);
    }
}
