package io.tunelab.experiments.quality;

import io.tunelab.api.Constraint;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.tunelab.experiments.support.Reflective.call;
import static io.tunelab.experiments.support.Reflective.construct;

/**
 * Runs the benchmark's experiments with the server's strategies called directly, in this JVM:
 * no HTTP, no storage, so a run of 300 trials takes about a second and settings can be chosen
 * over many seeds. The strategy sees what the coordinator gives it (the seed, the trial's
 * number and the history, the running trial included), so a run gives the same trials as one
 * through a server.
 *
 * <p>Nothing depends on the server at build time: its classes are looked up by name when a
 * direct run starts, so they must be on the classpath then
 * ({@code server/target/classes} and the server's dependencies); without them the run says so.
 */
final class DirectRuns {
    private static final String PACKAGE = "io.tunelab.server.strategy.";

    private final Method create;
    private final Constructor<?> context;
    /** The context with constraints (and no set of proposed configurations), or null where the package has none. */
    private final Constructor<?> constrainedContext;
    private final Method propose;
    private long proposals;
    private long proposeNanos;

    private DirectRuns(Method create, Constructor<?> context, Constructor<?> constrainedContext, Method propose) {
        this.create = create;
        this.context = context;
        this.constrainedContext = constrainedContext;
        this.propose = propose;
    }

    /** Finds the server's strategies on the classpath. */
    static DirectRuns load() {
        return load(PACKAGE);
    }

    /** Finds {@code Strategies}, {@code ProposalContext} and {@code SearchStrategy} in the package named {@code prefix}. */
    static DirectRuns load(String prefix) {
        try {
            Class<?> contextClass = Class.forName(prefix + "ProposalContext");
            return new DirectRuns(
                    Class.forName(prefix + "Strategies").getMethod("create", StrategySpec.class, SearchSpace.class, List.class, long.class),
                    contextClass.getConstructor(SearchSpace.class, List.class, long.class, int.class, List.class),
                    Arrays.stream(contextClass.getConstructors()).filter(c -> c.getParameterCount() == 7).findFirst().orElse(null),
                    Class.forName(prefix + "SearchStrategy").getMethod("propose", contextClass));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("--direct calls the server's strategies in this JVM, but " + e.getMessage()
                    + " is not on the classpath; add server/target/classes and the server's dependencies "
                    + "(mvn -pl server dependency:build-classpath), or use --own-server", e);
        }
    }

    /** {proposals, total seconds} spent in the strategies so far. */
    double[] proposeTotals() {
        return new double[] {proposals, proposeNanos / 1e9};
    }

    /** A new experiment of {@code spec}, held in memory; its constraints reach the strategy as a server passes them. */
    QualityBenchmark.AskTell launch(ExperimentSpec spec) {
        long seed = spec.effectiveSeed() == null ? 0 : spec.effectiveSeed();
        List<Constraint> constraints = spec.constraints() == null ? List.of() : spec.constraints();
        if (!constraints.isEmpty() && constrainedContext == null) {
            throw new IllegalArgumentException("the strategies on the classpath take no constraints; " + spec.name() + " has some");
        }
        Object strategy = call(create, null, spec.strategy(), spec.space(), spec.objectives(), seed);
        var history = new ArrayList<Trial>();
        return new QualityBenchmark.AskTell() {
            @Override
            public TrialProposal ask() {
                int number = history.size();
                Object ctx = constraints.isEmpty() ? construct(context, spec.space(), spec.objectives(), seed, number, history)
                        : construct(constrainedContext, spec.space(), spec.objectives(), seed, number, history, null, constraints);
                long t0 = System.nanoTime();
                @SuppressWarnings("unchecked")
                var params = (Map<String, Object>) call(propose, strategy, ctx);
                proposeNanos += System.nanoTime() - t0;
                proposals++;
                var valid = spec.space().validate(params);
                history.add(trial(number, valid, TrialState.RUNNING, null));
                return new TrialProposal(number + 1L, number, valid, null, null);
            }

            @Override
            public void tell(long trialId, Map<String, Double> values) {
                int number = (int) (trialId - 1);
                history.set(number, trial(number, history.get(number).params(), TrialState.COMPLETE, values));
            }
        };
    }

    private static Trial trial(int number, Map<String, Object> params, TrialState state, Map<String, Double> values) {
        return new Trial(number + 1L, 1, number, params, state, values, null, null, null, null, null, null, null, null, null, null);
    }
}
