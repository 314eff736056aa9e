package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The guard every strategy proposes through, so that no configuration already in the
 * experiment (waiting, running, complete, pruned or failed) is proposed again: an evaluation
 * spent on a copy teaches nothing. No strategy re-evaluates a configuration on purpose;
 * repeated evaluations of one configuration are repetitions of one trial (racing), not new trials.
 *
 * <p>On a collision, in this order: the strategy draws again from its own model with generators
 * derived from the trial's (attempts 1 to {@value #REDRAWS} − 1), so the answer still follows the
 * model; then the first proposal is moved by the smallest step that changes it (a neighbouring
 * int, grid point or choice, or a nudge of 10⁻⁶ of a continuous range), one param at a time in
 * a seeded order; then uniform draws; then the first unseen configuration in grid order, or
 * BUDGET_EXHAUSTED when a discrete space has none left. Every step is seeded by the experiment
 * seed and the trial number, so the same history gives the same proposal.
 *
 * <p>Cost: one hash lookup per question, however many trials the experiment has, with the
 * coordinator's {@link ProposedConfigurations} (kept as trials are added, rebuilt from the
 * history after a restart); one pass over the history when a context carries no such set.
 */
final class NoRepeats {
    /** Proposals drawn from the strategy's model before falling back. */
    static final int REDRAWS = 8;
    private static final int UNIFORM = 64;
    /** Everything tried before the last resort, for its error message. */
    static final int ATTEMPTS = REDRAWS + UNIFORM;
    private static final double NUDGE = 1e-6;

    private NoRepeats() {
    }

    /** One proposal of a strategy; attempt 0 is its usual one, later attempts redraw. */
    @FunctionalInterface
    interface Draw {
        Map<String, Object> draw(int attempt);
    }

    /**
     * The generator a strategy draws from on an attempt: attempt 0 is the one seeded by the
     * experiment seed, the trial number and {@code salt}; later attempts derive their own.
     */
    static RandomGenerator rng(ProposalContext context, String salt, int attempt) {
        return Seeds.forTrial(context.seed(), context.number(), attempt == 0 ? salt : salt + "#redraw" + attempt);
    }

    /** The strategy's proposal, or the nearest thing to it that has not been proposed. */
    static Map<String, Object> propose(ProposalContext context, String salt, Draw draw) {
        var first = draw.draw(0);
        if (context.history().isEmpty()) {
            return first;
        }
        var seen = Configurations.seen(context);
        if (!seen.contains(first)) {
            return first;
        }
        for (int attempt = 1; attempt < REDRAWS; attempt++) {
            var again = draw.draw(attempt);
            if (!seen.contains(again)) {
                return again;
            }
        }
        var rng = rng(context, salt, -1);
        var nudged = nudge(context.space(), first, seen, rng);
        if (nudged != null) {
            return nudged;
        }
        for (int attempt = 0; attempt < UNIFORM; attempt++) {
            var uniform = Sampling.sample(context.space(), rng);
            if (!seen.contains(uniform)) {
                return uniform;
            }
        }
        return Configurations.firstUnseen(context.space(), seen, rng);
    }

    /**
     * The configuration moved by the smallest step in one param, the params (and the two
     * directions) tried in a seeded order; the first such neighbour not seen, or null. A param
     * that the move makes active takes a draw of {@code rng}.
     */
    static Map<String, Object> nudge(SearchSpace space, Map<String, Object> config, Configurations.Seen seen, RandomGenerator rng) {
        var names = new ArrayList<>(config.keySet());
        for (int i = names.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            names.set(i, names.set(j, names.get(i)));
        }
        for (String name : names) {
            int first = rng.nextBoolean() ? 1 : -1;
            for (int direction : new int[]{first, -first}) {
                Object moved = neighbour(space.get(name), config.get(name), direction);
                if (moved == null) {
                    continue;
                }
                var candidate = rebuild(space, config, name, moved, rng);
                if (!seen.contains(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** The value one smallest step from {@code value} in {@code direction}, or null at a bound. */
    static Object neighbour(Param param, Object value, int direction) {
        return switch (param) {
            case CategoricalParam c -> {
                int k = c.indexOf(value) + direction;
                yield k >= 0 && k < c.choices().size() ? c.choices().get(k) : null;
            }
            case IntParam p -> {
                long v = ((Number) value).longValue() + (long) direction * p.stepOrOne();
                yield v >= p.low() && v <= p.high() ? (Object) (int) v : null;
            }
            case FloatParam f when f.step() != null -> {
                long k = Math.round((((Number) value).doubleValue() - f.low()) / f.step()) + direction;
                yield k >= 0 && k < f.steps() ? (Object) f.gridPoint(k) : null;
            }
            case FloatParam f -> {
                double v = ((Number) value).doubleValue();
                double u = Sampling.toUnit(f, v) + direction * NUDGE;
                double moved = u < 0 || u > 1 ? v : Sampling.fromUnit(f, u);
                yield moved != v ? (Object) moved : null;
            }
        };
    }

    /** The configuration with one param changed, conditions re-applied. */
    private static Map<String, Object> rebuild(SearchSpace space, Map<String, Object> config, String changed, Object value,
                                               RandomGenerator rng) {
        var out = new LinkedHashMap<String, Object>();
        for (String name : space.names()) {
            if (!space.isActive(name, out)) {
                continue;
            }
            Object v = name.equals(changed) ? value : config.get(name);
            out.put(name, v != null ? v : Sampling.sample(space.get(name), rng));
        }
        return out;
    }
}
