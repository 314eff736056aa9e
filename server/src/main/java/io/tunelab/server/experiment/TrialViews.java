package io.tunelab.server.experiment;

import io.tunelab.api.Constraint;
import io.tunelab.api.Objective;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.Ranking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The views of an experiment's trials that the API serves: a filtered and sorted selection
 * for paging, the optimization history in columns and the intermediate-value
 * curves. Pure functions of a snapshot of the trials.
 */
final class TrialViews {
    private TrialViews() {
    }

    /**
     * The trials of a query, kept in its order as trials come and change: built once by
     * sorting, then each added or changed trial moves by binary search, so a page of a large
     * experiment costs the page, not a sort. The order is total (ties go by trial number), so
     * every trial has one place. Sorted by value under constraints, the trials that keep them come
     * first in either order, then the others by violation (least first). Not thread-safe: the
     * experiment's monitor guards it.
     */
    static final class View {
        private final TrialState state;
        private final Comparator<Trial> order;
        private final ArrayList<Trial> trials;

        View(List<Trial> all, TrialQuery query, Objective primary) {
            this(all, query, primary, List.of());
        }

        View(List<Trial> all, TrialQuery query, Objective primary, List<Constraint> constraints) {
            this.state = query.state();
            Comparator<Trial> o = comparator(query.sort(), primary);
            if (query.descending()) {
                o = o.reversed();
            }
            this.order = nullsLast(o, query.sort(), primary, constraints);
            this.trials = new ArrayList<>(all.size());
            for (Trial t : all) {
                if (selects(t)) {
                    trials.add(t);
                }
            }
            trials.sort(order);
        }

        private boolean selects(Trial t) {
            return state == null || t.state() == state;
        }

        /** Moves a trial to where its new version belongs; {@code before} is null for a new trial. */
        void update(Trial before, Trial after) {
            if (before != null && selects(before)) {
                int i = Collections.binarySearch(trials, before, order);
                if (i >= 0) {
                    trials.remove(i);
                }
            }
            if (selects(after)) {
                int i = Collections.binarySearch(trials, after, order);
                trials.add(i < 0 ? -i - 1 : i, after);
            }
        }

        int size() {
            return trials.size();
        }

        /** A copy of the trials from {@code from}, at most {@code limit}. */
        List<Trial> page(int from, int limit) {
            int start = Math.min(from, trials.size());
            return List.copyOf(trials.subList(start, Math.min(trials.size(), start + limit)));
        }
    }

    private static Comparator<Trial> comparator(String sort, Objective primary) {
        return switch (sort) {
            case "state" -> Comparator.comparing(Trial::state);
            case "value" -> Comparator.comparing(t -> t.value(primary.metric()), Comparator.nullsLast(Comparator.naturalOrder()));
            case "duration" -> Comparator.comparing(Trial::durationSeconds, Comparator.nullsLast(Comparator.naturalOrder()));
            case "number" -> Comparator.comparingInt(Trial::number);
            default -> {
                if (sort.startsWith("param:")) {
                    String name = sort.substring(6);
                    yield Comparator.comparing(t -> t.params().get(name), Comparator.nullsLast(TrialViews::compareValues));
                }
                String metric = sort.substring(7);
                yield Comparator.comparing(t -> metricOf(t, metric), Comparator.nullsLast(Comparator.naturalOrder()));
            }
        };
    }

    /** Keeps trials without the sorted value last whichever the order. */
    private static Comparator<Trial> nullsLast(Comparator<Trial> order, String sort, Objective primary,
                                               List<Constraint> constraints) {
        boolean feasibleFirst = sort.equals("value") && !constraints.isEmpty();
        return (a, b) -> {
            boolean x = missing(a, sort, primary);
            boolean y = missing(b, sort, primary);
            if (x != y) {
                return x ? 1 : -1;
            }
            int c = feasibleFirst && !x
                    ? Double.compare(Constraint.violation(constraints, a.values()), Constraint.violation(constraints, b.values())) : 0;
            c = c != 0 ? c : order.compare(a, b);
            return c != 0 ? c : Integer.compare(a.number(), b.number());
        };
    }

    private static boolean missing(Trial t, String sort, Objective primary) {
        return switch (sort) {
            // Ranked by value are the complete trials; a pruned trial's value is an intermediate one.
            case "value" -> !Ranking.ranked(t, primary);
            case "duration" -> t.durationSeconds() == null;
            case "number", "state" -> false;
            default -> sort.startsWith("param:") ? !t.params().containsKey(sort.substring(6)) : metricOf(t, sort.substring(7)) == null;
        };
    }

    private static Double metricOf(Trial t, String metric) {
        Double v = t.value(metric);
        if (v == null && t.statistics().containsKey(metric)) {
            v = t.statistics().get(metric).mean();
        }
        return v;
    }

    /**
     * A total order over param values of any type, so a categorical param whose choices mix
     * types ({@code [1, "a", true, 2.5]}) still sorts: numbers first (by value), then booleans
     * (false before true), then everything else by its text.
     */
    static int compareValues(Object a, Object b) {
        int byType = Integer.compare(typeRank(a), typeRank(b));
        if (byType != 0) {
            return byType;
        }
        return switch (a) {
            case Number n -> Double.compare(n.doubleValue(), ((Number) b).doubleValue());
            case Boolean x -> Boolean.compare(x, (Boolean) b);
            default -> a.toString().compareTo(b.toString());
        };
    }

    private static int typeRank(Object v) {
        return switch (v) {
            case Number n -> 0;
            case Boolean b -> 1;
            default -> 2;
        };
    }

    /** Trial numbers, values and best-so-far of the complete trials, in columns. */
    static OptimizationHistory history(List<Trial> all, Objective primary) {
        var ids = new ArrayList<Long>();
        var numbers = new ArrayList<Integer>();
        var values = new ArrayList<Double>();
        var best = new ArrayList<Double>();
        Double bestSoFar = null;
        for (Trial t : all) {
            if (!Ranking.ranked(t, primary)) {
                continue;
            }
            double v = t.value(primary.metric());
            bestSoFar = bestSoFar == null || primary.direction().better(v, bestSoFar) ? v : bestSoFar;
            ids.add(t.id());
            numbers.add(t.number());
            values.add(v);
            best.add(bestSoFar);
        }
        return new OptimizationHistory(primary.metric(), primary.direction().json(), ids, numbers, values, best);
    }

    /** The reported values of the primary metric of the latest {@code limit} trials that reported. */
    static List<Curve> curves(List<Trial> all, Objective primary, int limit) {
        var out = new ArrayList<Curve>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            Trial t = all.get(i);
            if (t.reports().isEmpty()) {
                continue;
            }
            var steps = new ArrayList<Integer>();
            var values = new ArrayList<Double>();
            for (Report r : t.reports()) {
                Double v = r.values().get(primary.metric());
                if (v != null) {
                    steps.add(r.step());
                    values.add(v);
                }
            }
            out.add(new Curve(t.id(), t.number(), t.state(), primary.metric(), steps, values));
        }
        return out;
    }
}
