package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Finalization;
import io.tunelab.api.Objective;
import io.tunelab.api.Racing;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.VisibleText;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text rendering for the CLI: tables of experiments and trials, and the progress bar. */
final class Console {
    private Console() {
    }

    static String number(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        return String.format(Locale.ROOT, "%.5g", v);
    }

    static String value(Object v) {
        return v instanceof Double d ? number(d) : String.valueOf(v);
    }

    /** A table; every cell is text from the server, shown with its hidden characters escaped ({@link VisibleText}). */
    static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        List<List<String>> shown = rows.stream().map(r -> r.stream().map(VisibleText::of).toList()).toList();
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
            for (List<String> r : shown) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        var line = new StringBuilder();
        for (int i = 0; i < header.size(); i++) {
            line.append(String.format("%-" + width[i] + "s  ", header.get(i)));
        }
        out.println(line.toString().stripTrailing());
        for (List<String> r : shown) {
            line.setLength(0);
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format("%-" + width[i] + "s  ", r.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static void experiments(PrintStream out, List<ExperimentSummary> summaries) {
        var rows = new ArrayList<List<String>>();
        for (ExperimentSummary s : summaries) {
            Objective o = s.objectives().isEmpty() ? null : s.objectives().getFirst();
            String best = o == null || s.best() == null ? "-" : o.metric() + " " + number(s.best().get(o.metric()));
            String budget = s.budget() != null && s.budget().trials() != null ? "/" + s.budget().trials() : "";
            // Imported trials are finished but outside budget.trials: beside the count, not in it.
            String imported = s.importedTrials() > 0 ? " +" + s.importedTrials() + " imported" : "";
            rows.add(List.of(Long.toString(s.id()), s.name(), s.state().name(), s.budgetedFinishedTrials() + budget + imported,
                    Integer.toString(s.count(TrialState.RUNNING)), s.strategy(), best));
        }
        table(out, List.of("ID", "NAME", "STATE", "TRIALS", "RUNNING", "STRATEGY", "BEST"), rows);
        // Why each stopped one stopped (unusable data, trials that all failed the same way, a token's stop), below the table.
        for (ExperimentSummary s : summaries) {
            if (s.state() == ExperimentState.STOPPED && s.stopReason() != null) {
                out.println("  " + VisibleText.of(s.name()) + ": " + VisibleText.of(s.stopReason()));
            }
        }
    }

    static void leaderboard(PrintStream out, Experiment experiment, List<Trial> trials) {
        var metrics = new LinkedHashSet<String>();
        experiment.spec().objectives().forEach(o -> metrics.add(o.metric()));
        var params = new LinkedHashSet<String>();
        trials.forEach(t -> params.addAll(t.params().keySet()));
        var header = new ArrayList<String>(List.of("RANK", "TRIAL", "GROUP", "PAIRED"));
        Racing racing = experiment.spec().racing();
        if (racing != null) {
            header.add("REPETITIONS");
        }
        metrics.forEach(m -> header.add(m.toUpperCase(Locale.ROOT)));
        String primary = experiment.spec().primary().metric();
        boolean tested = trials.stream().anyMatch(t -> testValue(t, primary) != null);
        if (tested) {
            header.add("TEST " + primary.toUpperCase(Locale.ROOT));
        }
        params.forEach(header::add);
        var rows = new ArrayList<List<String>>();
        int rank = 1;
        for (Trial t : trials) {
            var row = new ArrayList<String>(t.state() == TrialState.RACED_OUT ? racedOut(t, rank++)
                    : List.of(Integer.toString(rank++), "#" + t.number(), group(t.rank()),
                    t.rank() == null || t.rank().group().compareTo(RankGroup.UNRANKED) >= 0 ? "-" : Integer.toString(t.rank().sharedRepetitions())));
            if (racing != null) {
                row.add(t.repetitions().size() + "/" + racing.maxRepetitions());
            }
            for (String m : metrics) {
                var stats = t.statistics().get(m);
                String v = number(t.value(m));
                if (stats != null && stats.n() > 1) {
                    v += interval(stats);
                }
                row.add(v);
            }
            if (tested) {
                row.add(testValue(t, primary) == null ? "" : number(testValue(t, primary)));
            }
            for (String p : params) {
                row.add(t.params().containsKey(p) ? value(t.params().get(p)) : "");
            }
            rows.add(row);
        }
        out.println("Leaderboard of " + experiment.name() + " (" + experiment.state() + ", best first by "
                + experiment.spec().primary().metric() + ", " + experiment.spec().primary().direction().json() + ")");
        if (experiment.state() == ExperimentState.STOPPED && experiment.summary() != null && experiment.summary().stopReason() != null) {
            // Unusable data, or trials that all failed the same way: what to fix, where the user looks first.
            out.println("  stopped: " + VisibleText.of(experiment.summary().stopReason()));
        }
        if (rows.isEmpty()) {
            out.println("  no complete trials yet");
            return;
        }
        table(out, header, rows);
        out.println(groupsLine(trials));
    }

    /**
     * The 95% interval after a mean: " ± half" when it is symmetric, else " [low, high]" (an
     * interval cut to the metric's range, such as accuracy at 1.0, is no longer symmetric).
     */
    static String interval(Statistics s) {
        double below = s.mean() - s.ciLow();
        double above = s.ciHigh() - s.mean();
        return Math.abs(below - above) <= 1e-9 * Math.max(1, Math.abs(s.mean()))
                ? " ± " + number(above) : " [" + number(s.ciLow()) + ", " + number(s.ciHigh()) + "]";
    }

    /** The trial's score on the held-out test split, when it was finalized. */
    private static Double testValue(Trial t, String metric) {
        return t.finalization() == null || t.finalization().test() == null ? null : t.finalization().test().get(metric);
    }

    /** One line on the finalized winner: its test score beside the selection score that chose it. */
    static String finalization(Experiment e, Finalization f) {
        String metric = e.spec().primary().metric();
        return switch (f.state()) {
            case COMPLETE -> {
                Statistics s = f.selection();
                String selection = s == null ? "" : "; selection " + metric + " " + number(s.mean())
                        + (s.n() > 1 ? interval(s) + " over " + s.n() + " repetitions" : "")
                        + " (optimistic: it chose the winner)";
                yield "Refit winner #" + f.number() + (f.epochs() == null ? "" : " (" + f.epochs() + " epochs)")
                        + ": test " + metric + " " + number(f.test().get(metric)) + selection;
            }
            case FAILED -> "Finalization of #" + f.number() + " failed: " + f.error();
            default -> "Finalization of #" + f.number() + ": " + f.state() + (f.worker() == null ? ", waiting for a worker" : " on " + f.worker());
        } + (f.note() == null ? "" : " (" + f.note() + ")");
    }

    /** The first cells of a trial a race ended: no rank, "raced out" with its p-value, and the repetitions it shared. */
    private static List<String> racedOut(Trial t, int rank) {
        Object race = t.provenance().get("race");
        Map<?, ?> r = race instanceof Map<?, ?> m ? m : Map.of();
        return List.of(Integer.toString(rank), "#" + t.number(),
                "raced out " + (r.get("p_value") instanceof Number p ? pValue(p.doubleValue()) : ""),
                r.get("shared_repetitions") == null ? "-" : String.valueOf(r.get("shared_repetitions")));
    }

    /** What a trial's group says in a table: best, tied, worse with its adjusted p-value, or by value. */
    static String group(RankedTrial rank) {
        if (rank == null) {
            return "-";
        }
        return switch (rank.group()) {
            case BEST -> "best";
            case TIED -> "tied";
            case WORSE -> "worse " + pValue(rank.adjustedPValue());
            case UNRANKED -> "by value";
            case INFEASIBLE -> "infeasible " + (rank.violation() == null ? "(missing a constrained metric)"
                    : "(violation " + number(rank.violation()) + ")");
        };
    }

    static String pValue(Double p) {
        return p == null ? "" : p < 0.001 ? "p<0.001" : String.format(Locale.ROOT, "p=%.3f", p);
    }

    /** One line under the table that says which trials the data cannot tell from the best. */
    private static String groupsLine(List<Trial> trials) {
        Trial best = trials.stream().filter(t -> t.rank() != null && t.rank().group() == RankGroup.BEST).findFirst().orElse(null);
        if (best == null) {
            return trials.stream().anyMatch(t -> t.rank() != null && t.rank().group() == RankGroup.INFEASIBLE)
                    ? "No trial keeps the experiment's constraints; the least infeasible come first." : "";
        }
        List<String> tied = trials.stream().filter(t -> t.rank() != null && t.rank().group() == RankGroup.TIED)
                .map(t -> "#" + t.number()).toList();
        if (best.rank().sharedRepetitions() < 2) {
            return "Ranked by value: the trials have too few repetitions for a paired test.";
        }
        return tied.isEmpty()
                ? "#" + best.number() + " is significantly better than every other trial shown (paired tests on shared repetitions, Holm-corrected)."
                : "Tied with the best #" + best.number() + " (not significantly worse on their shared repetitions, Holm-corrected): "
                + String.join(", ", tied) + ".";
    }

    /** One line of progress: a bar of finished trials against the budget, what runs, the best value. */
    static String progress(ExperimentSummary s) {
        int done = s.finishedTrials();
        Integer budget = s.budget() == null ? null : s.budget().trials();
        int width = 30;
        String bar;
        if (budget != null && budget > 0) {
            int filled = (int) Math.round(width * Math.min(1.0, done / (double) budget));
            bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + budget;
        } else {
            bar = done + " trials";
        }
        Objective o = s.objectives().getFirst();
        String best = s.best() == null ? "" : "  best " + o.metric() + " " + number(s.best().get(o.metric()));
        return bar + "  " + s.count(TrialState.RUNNING) + " running" + best + "  " + s.state();
    }

}
