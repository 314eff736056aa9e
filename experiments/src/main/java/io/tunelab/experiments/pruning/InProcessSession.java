package io.tunelab.experiments.pruning;

import io.tunelab.api.Decision;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.Report;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.tunelab.experiments.support.Reflective.call;
import static io.tunelab.experiments.support.Reflective.construct;

/**
 * An experiment held in this process ({@code PruningBenchmark --in-process}): the server's own
 * strategy and pruner classes called directly, with what the server gives them — the strategy
 * proposes from the history with the experiment's seed and the trial's number; on each report the
 * pruner decides on the trial with that report added, against every trial of the experiment. No
 * HTTP, no storage: seconds per seed instead of minutes, for the same decisions.
 *
 * <p>Nothing depends on the server at build time: its classes are looked up by name, so they must
 * be on the classpath ({@code server/target/classes} and the server's dependencies).
 */
final class InProcessSession implements PruningBenchmark.Session {
    private static final String SERVER = "io.tunelab.server.";

    private final ExperimentSpec spec;
    private final long seed;
    private final Object strategy;
    private final Object pruner;
    private final Classes classes;
    private final List<Trial> trials = new ArrayList<>();

    /** The server's classes and the members the session calls. */
    private record Classes(Method createStrategy, Constructor<?> proposalContext, Method propose, Method createPruner,
                           Constructor<?> pruneContext, Method decide) {
        static Classes load() {
            try {
                Class<?> proposal = Class.forName(SERVER + "strategy.ProposalContext");
                Class<?> prune = Class.forName(SERVER + "pruner.PruneContext");
                return new Classes(
                        Class.forName(SERVER + "strategy.Strategies").getMethod("create", StrategySpec.class, SearchSpace.class,
                                List.class, long.class),
                        proposal.getConstructor(SearchSpace.class, List.class, long.class, int.class, List.class),
                        Class.forName(SERVER + "strategy.SearchStrategy").getMethod("propose", proposal),
                        Class.forName(SERVER + "pruner.Pruners").getMethod("create", PrunerSpec.class),
                        prune.getConstructor(String.class, io.tunelab.api.Direction.class, Trial.class, int.class, List.class,
                                long.class),
                        Class.forName(SERVER + "pruner.Pruner").getMethod("decide", prune));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the server's classes are not on the classpath (" + e.getMessage()
                        + "); add server/target/classes and the server's dependencies (mvn -pl server dependency:build-classpath)",
                        e);
            }
        }
    }

    private InProcessSession(ExperimentSpec spec, Classes classes) {
        this.spec = spec;
        this.seed = spec.effectiveSeed() == null ? 0 : spec.effectiveSeed();
        this.classes = classes;
        this.strategy = call(classes.createStrategy, null, spec.strategy(), spec.space(), spec.objectives(), seed);
        this.pruner = call(classes.createPruner, null, spec.pruner());
    }

    static InProcessSession launch(ExperimentSpec spec) {
        return new InProcessSession(spec, Classes.load());
    }

    @Override
    public TrialProposal ask() {
        int number = trials.size();
        Object context = construct(classes.proposalContext, spec.space(), spec.objectives(), seed, number, List.copyOf(trials));
        @SuppressWarnings("unchecked")
        var params = spec.space().validate((Map<String, Object>) call(classes.propose, strategy, context));
        trials.add(new Trial(number + 1L, 1, number, params, TrialState.RUNNING, null, null, null, List.of(), null, null, null,
                null, null, null, null));
        return new TrialProposal(number + 1L, number, params, null, null);
    }

    @Override
    public Decision report(long trialId, int step, Map<String, Double> values) {
        Trial t = trials.get((int) (trialId - 1));
        var reports = new ArrayList<>(t.reports());
        reports.removeIf(r -> r.step() == step);
        reports.add(new Report(step, values, null));
        reports.sort(Comparator.comparingInt(Report::step));
        Trial updated = with(t, t.state(), t.values(), reports);
        trials.set(t.number(), updated);
        Objective watched = spec.primary();
        Object context = construct(classes.pruneContext, watched.metric(), watched.direction(), updated, step, List.copyOf(trials),
                seed);
        return (Decision) call(classes.decide, pruner, context);
    }

    @Override
    public void pruned(long trialId, Map<String, Double> values) {
        Trial t = trials.get((int) (trialId - 1));
        trials.set(t.number(), with(t, TrialState.PRUNED, values, t.reports()));
    }

    @Override
    public void tell(long trialId, Map<String, Double> values) {
        Trial t = trials.get((int) (trialId - 1));
        trials.set(t.number(), with(t, TrialState.COMPLETE, values, t.reports()));
    }

    private static Trial with(Trial t, TrialState state, Map<String, Double> values, List<Report> reports) {
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), state, values, t.repetitions(), t.statistics(), reports,
                t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance(), t.toldBy());
    }
}
