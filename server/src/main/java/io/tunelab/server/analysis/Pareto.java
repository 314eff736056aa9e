package io.tunelab.server.analysis;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Pareto dominance over trials with several objectives. */
public final class Pareto {
    private Pareto() {
    }

    /**
     * The non-dominated trials of a history: the COMPLETE trials with a finite value for every
     * objective that no other such trial matches or beats on every objective while beating it on
     * one. Trials with identical values are all kept. In trial-number order; O(n log n + n·f)
     * for f front members.
     */
    public static List<Trial> front(List<Trial> history, List<Objective> objectives) {
        record Scored(Trial trial, double[] losses) {
        }
        var scored = new ArrayList<Scored>();
        for (Trial t : history) {
            double[] losses = losses(t, objectives);
            if (losses != null) {
                scored.add(new Scored(t, losses));
            }
        }
        // Lexicographic order puts every dominator before what it dominates, so one pass against
        // the front found so far decides each trial.
        scored.sort((a, b) -> Arrays.compare(a.losses, b.losses));
        var front = new ArrayList<Scored>();
        for (var s : scored) {
            boolean dominated = false;
            for (var f : front) {
                if (dominates(f.losses, s.losses)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(s);
            }
        }
        return front.stream().map(Scored::trial).sorted(Comparator.comparingInt(Trial::number)).toList();
    }

    /** The losses of a complete trial (smaller is better), or null when a value is missing. */
    static double[] losses(Trial t, List<Objective> objectives) {
        if (t.state() != TrialState.COMPLETE) {
            return null;
        }
        double[] losses = new double[objectives.size()];
        for (int k = 0; k < losses.length; k++) {
            Double v = t.value(objectives.get(k).metric());
            if (v == null || !Double.isFinite(v)) {
                return null;
            }
            losses[k] = objectives.get(k).direction().asLoss(v);
        }
        return losses;
    }

    /** Whether a is no worse than b everywhere and better somewhere (smaller is better). */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > b[k]) {
                return false;
            }
            better |= a[k] < b[k];
        }
        return better;
    }
}
