package io.tunelab.server.analysis;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.Comparator;
import java.util.List;

/** Orders trials by an objective: complete trials with a value first, best first, then by number. */
public final class Ranking {
    private Ranking() {
    }

    /** Best first by the objective's direction; trials without the metric last, in number order. */
    public static Comparator<Trial> byObjective(Objective objective) {
        return (a, b) -> {
            Double x = a.value(objective.metric());
            Double y = b.value(objective.metric());
            if (x == null || y == null) {
                return x == null && y == null ? Integer.compare(a.number(), b.number()) : (x == null ? 1 : -1);
            }
            int c = Double.compare(objective.direction().asLoss(x), objective.direction().asLoss(y));
            return c != 0 ? c : Integer.compare(a.number(), b.number());
        };
    }

    /** Whether a trial counts for the leaderboard: complete, with the objective's value. */
    public static boolean ranked(Trial t, Objective objective) {
        return t.state() == TrialState.COMPLETE && t.value(objective.metric()) != null;
    }

    /** The trials no other trial dominates on every objective (complete trials only). */
    public static List<Trial> paretoFront(List<Trial> trials, List<Objective> objectives) {
        List<Trial> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && objectives.stream().allMatch(o -> t.value(o.metric()) != null))
                .toList();
        return complete.stream().filter(t -> complete.stream().noneMatch(o -> dominates(o, t, objectives))).toList();
    }

    /** Whether {@code a} is at least as good as {@code b} on every objective and better on one. */
    public static boolean dominates(Trial a, Trial b, List<Objective> objectives) {
        boolean better = false;
        for (Objective o : objectives) {
            double x = o.direction().asLoss(a.value(o.metric()));
            double y = o.direction().asLoss(b.value(o.metric()));
            if (x > y) {
                return false;
            }
            if (x < y) {
                better = true;
            }
        }
        return better;
    }
}
