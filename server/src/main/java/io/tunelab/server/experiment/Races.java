package io.tunelab.server.experiment;

import io.tunelab.api.Constraint;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.RaceDecision;
import io.tunelab.server.analysis.RacePolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The racing side of a tell: in an experiment with a {@code racing} section each lease (or
 * ask) is one repetition, and a COMPLETE result tells that repetition alone. The trial gains
 * it, then {@link RaceDecision} says whether it waits for its next repetition, ends COMPLETE, or
 * ends RACED_OUT. Everything the decision reads is in the stored trials, so it is made the same
 * way after a restart. Pure: the caller plans it under the experiment's monitor and journals it.
 */
final class Races {
    private Races() {
    }

    /** The repetition a lease or an ask of the trial evaluates: its next one when racing, else null. */
    static Integer nextRepetition(ExperimentSpec spec, Trial t) {
        return spec.racing() == null ? null : t.repetitions().size();
    }

    /** Whether a result tells one repetition of a raced trial rather than finishing it. */
    static boolean tellsRepetition(ExperimentSpec spec, TrialResult result) {
        return spec.racing() != null && result.state() == TrialState.COMPLETE;
    }

    /**
     * The trial after its next repetition was told by {@code result}: waiting for another, COMPLETE
     * or RACED_OUT. The result carries the repetition as its one repetition or, from the SDK, as
     * plain values; INVALID_VALUE when it names another repetition or several. With constraints,
     * the incumbent is the best trial among those that keep them.
     */
    static Trial told(Trial current, TrialResult result, ExperimentSpec spec, List<Trial> history, Instant now, String toldBy) {
        int expected = current.repetitions().size();
        var repetitions = new ArrayList<>(current.repetitions());
        repetitions.add(repetition(current, result, spec, expected));
        var all = new TrialResult(TrialState.COMPLETE, null, repetitions, null, result.leaseId(), result.provenance());
        Trial scored = Results.finished(current, all, spec, now, toldBy);
        // Only a trial that keeps the constraints may be the incumbent that races others out.
        List<Trial> rivals = spec.constraints().isEmpty() ? history
                : history.stream().filter(h -> Constraint.violation(spec.constraints(), h.values()) == 0).toList();
        return switch (RaceDecision.decide(scored, rivals, spec.primary(), RacePolicy.ofStored(spec))) {
            case RaceDecision.Continue c -> Transitions.awaitingRepetition(scored);
            case RaceDecision.Complete c -> scored;
            case RaceDecision.RacedOut out -> {
                var race = new LinkedHashMap<String, Object>();
                race.put("p_value", out.pValue());
                race.put("shared_repetitions", out.sharedRepetitions());
                race.put("difference", out.difference());
                race.put("incumbent", out.incumbentNumber());
                yield Transitions.racedOut(scored, race);
            }
        };
    }

    private static Repetition repetition(Trial t, TrialResult result, ExperimentSpec spec, int expected) {
        List<Repetition> told = result.repetitions();
        if (told.isEmpty()) {
            return new Repetition(expected, null, Results.checkValues(result.values(), spec, "values"));
        }
        if (told.size() > 1) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "this experiment races its trials, so a result tells one "
                    + "repetition, repetition " + expected + " of trial " + t.id() + "; got " + told.size() + " repetitions",
                    Map.of("trial", t.id(), "repetition", expected));
        }
        Repetition r = told.getFirst();
        if (r.index() != null && r.index() != expected) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "trial " + t.id() + " was given repetition " + expected
                    + " to evaluate, but the result tells repetition " + r.index() + "; tell repetition " + expected,
                    Map.of("trial", t.id(), "repetition", expected));
        }
        return r.index() != null ? r : new Repetition(expected, r.seed(), r.values());
    }
}
