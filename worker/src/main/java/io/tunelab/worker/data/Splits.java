package io.tunelab.worker.data;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;

/**
 * Hold-out and k-fold splits of a dataset's rows, stratified by class for classification so
 * every part has the class balance of the whole. The same seed gives the same split.
 */
public final class Splits {
    /** The most classes a warning names; the others are counted. */
    static final int MAX_CLASSES_LISTED = 10;

    private Splits() {
    }

    /** Which rows train and which validate. */
    public record Split(int[] train, int[] validation) {
    }

    /** One split with about {@code fraction} of the rows (of each class) held out for validation. */
    public static Split holdout(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw TunelabException.invalidSpec("dataset.validation.holdout must be between 0 and 1 (exclusive), got " + fraction);
        }
        var train = new ArrayList<Integer>();
        var validation = new ArrayList<Integer>();
        for (List<Integer> group : groups(data, seed)) {
            int held = heldOut(group.size(), fraction);
            validation.addAll(group.subList(0, held));
            train.addAll(group.subList(held, group.size()));
        }
        return new Split(sorted(train), sorted(validation));
    }

    /** How many of a class's {@code rows} a hold-out of {@code fraction} takes: about that share, one at least of two or more, never all. */
    private static int heldOut(int rows, double fraction) {
        int held = (int) Math.round(rows * fraction);
        return Math.min(Math.max(held, rows > 1 ? 1 : 0), rows - 1);
    }

    /**
     * The held-out test split of an experiment: about {@code fraction} of the rows (of each
     * class) in {@code validation}, the rows the search may use in {@code train}. Fixed by the
     * experiment seed, and drawn apart from every repetition's split.
     */
    public static Split test(Dataset data, double fraction, long experimentSeed) {
        return holdout(data, fraction, experimentSeed ^ 0x5DEECE66DL * 31);
    }

    /**
     * The rows the search may use: those outside the {@link #test} split of {@code fraction}.
     * Refused when, for classification, no class keeps two of its rows there: every validation
     * row's class would then be missing from the rows that train for it, and every trial would
     * score as if it knew nothing (a test share of 0.99 on 150 rows kept one row of each class).
     */
    public static Dataset search(Dataset data, double fraction, long experimentSeed) {
        Dataset search = data.subset(test(data, fraction, experimentSeed).train());
        if (search.isClassification()) {
            int[] counts = new int[Math.max(1, search.classes())];
            for (double y : search.y()) {
                counts[(int) y]++;
            }
            if (Arrays.stream(counts).noneMatch(n -> n >= 2)) {
                throw TunelabException.invalidSpec("dataset.test " + fraction + " holds out so much that the search keeps "
                        + search.rows() + " of " + data.rows() + " rows and no class has two of them, so every validation row "
                        + "would be of a class its training rows lack; hold out less (as dataset.test: 0.2)");
            }
        }
        return search;
    }

    /** k splits whose validation parts partition the rows. */
    public static List<Split> kfold(Dataset data, int k, long seed) {
        if (k < 2) {
            throw TunelabException.invalidSpec("dataset.validation.folds must be 2 or more, got " + k);
        }
        if (k > data.rows()) {
            throw TunelabException.invalidSpec("dataset.validation.folds (" + k + ") exceeds the number of rows (" + data.rows() + ")");
        }
        int[] fold = new int[data.rows()];
        int next = 0;
        for (List<Integer> group : groups(data, seed)) {
            for (int row : group) {
                fold[row] = next;
                next = (next + 1) % k;
            }
        }
        var splits = new ArrayList<Split>(k);
        for (int f = 0; f < k; f++) {
            var train = new ArrayList<Integer>();
            var validation = new ArrayList<Integer>();
            for (int i = 0; i < fold.length; i++) {
                (fold[i] == f ? validation : train).add(i);
            }
            splits.add(new Split(sorted(train), sorted(validation)));
        }
        return splits;
    }

    /** The param that gives each trial its own folds when the folds are searched. */
    static final String SEARCHED_FOLDS = "dataset.validation.folds";

    /**
     * The most folds {@code space} can give a trial, when its param {@value #SEARCHED_FOLDS}
     * searches them: the largest value of an int param on its steps, or of a categorical one's
     * whole-number choices; empty when the folds are not searched (or {@code space} is null).
     */
    static OptionalInt mostFoldsSearched(SearchSpace space) {
        return switch (space == null ? null : space.get(SEARCHED_FOLDS)) {
            case IntParam p -> OptionalInt.of(p.valueAt(p.cardinality() - 1));
            case CategoricalParam p -> p.choices().stream().filter(Objects::nonNull)
                    .filter(c -> c instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))
                    .mapToInt(c -> ((Number) c).intValue()).max();
            case null, default -> OptionalInt.empty();
        };
    }

    /**
     * The warning for the classes with fewer rows than {@code spec}'s validation folds, counted
     * among the rows the folds split (those outside the test split when {@code spec} holds one
     * out), or null when there is none, or the task validates on a hold-out share or is a
     * regression. Such a class is missing from the validation rows of some folds, so their scores
     * say nothing about it; one of a single row is also missing from the training rows of the
     * fold that validates on it. What is right: as many folds as the least populated class has
     * rows, or more rows of it (with one row, a hold-out share instead, as folds go down to 2).
     * When {@code space} searches the folds, the trials do not all have {@code spec}'s: the
     * classes are those with fewer rows than the most folds it can give a trial, and the advice
     * is to search no more folds than the least populated class has rows.
     */
    static String fewerRowsThanFolds(Dataset data, DatasetSpec spec, SearchSpace space) {
        if (!(spec.validation() instanceof DatasetSpec.Folds(int trialFolds)) || !data.isClassification()) {
            return null;
        }
        OptionalInt searched = mostFoldsSearched(space);
        int k = searched.orElse(trialFolds);
        int[] rows = new int[data.classes()];
        for (double y : data.y()) {
            rows[(int) y]++;
        }
        var thin = new ArrayList<Integer>();
        for (int c = 0; c < rows.length; c++) {
            if (spec.test() != null) {
                rows[c] -= heldOut(rows[c], spec.test());
            }
            if (rows[c] > 0 && rows[c] < k) {
                thin.add(c);
            }
        }
        if (thin.isEmpty()) {
            return null;
        }
        thin.sort(Comparator.<Integer>comparingInt(c -> rows[c]).thenComparingInt(c -> c));
        int fewest = rows[thin.getFirst()];
        var named = thin.stream().limit(MAX_CLASSES_LISTED)
                .map(c -> "\"" + DataReport.clip(data.encoding().classes().get(c)) + "\" (" + rowsOf(rows[c]) + ")").toList();
        String which = (thin.size() == 1 ? "class " : "classes ") + String.join(", ", named)
                + (thin.size() > named.size() ? " and " + (thin.size() - named.size()) + " more" : "");
        String where = spec.test() == null ? "" : " outside the test split (dataset.test: " + spec.test() + ")";
        String right = fewest >= 2
                ? (searched.isPresent() ? "search dataset.validation.folds up to " : "use dataset.validation.folds: ") + fewest
                        + " (the rows of the least populated class), or add rows of " + (thin.size() == 1 ? "that class" : "those classes")
                : "add rows of " + (thin.size() == 1 ? "that class" : "those classes") + " (folds go down to 2), or validate on "
                        + "a share instead (dataset.validation: {holdout: 0.2})";
        return which + (thin.size() == 1 ? " has " : " have ") + "fewer rows" + where + " than dataset.validation.folds ("
                + (searched.isPresent() ? "up to " + k + " searched" : k) + "): some folds "
                + (searched.isPresent() ? "of a trial given more folds than " + (thin.size() == 1 ? "it has" : "they have") + " rows " : "")
                + "validate on none of " + (thin.size() == 1 ? "its" : "their") + " rows"
                + (fewest == 1 ? ", and the fold that validates on a class's only row trains without that class" : "")
                + "; " + right;
    }

    private static String rowsOf(int n) {
        return n == 1 ? "1 row" : n + " rows";
    }

    /** Rows shuffled and grouped by class (one group for regression). */
    private static List<List<Integer>> groups(Dataset data, long seed) {
        var byClass = new TreeMap<Integer, List<Integer>>();
        for (int i = 0; i < data.rows(); i++) {
            int key = data.isClassification() ? (int) data.y()[i] : 0;
            byClass.computeIfAbsent(key, c -> new ArrayList<>()).add(i);
        }
        var random = new Random(seed);
        var groups = new ArrayList<List<Integer>>();
        for (List<Integer> g : byClass.values()) {
            java.util.Collections.shuffle(g, random);
            groups.add(g);
        }
        return groups;
    }

    private static int[] sorted(List<Integer> rows) {
        int[] a = rows.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
