package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Hold-out and k-fold splits of a dataset's rows, stratified by class for classification so
 * every part has the class balance of the whole. The same seed gives the same split.
 */
public final class Splits {
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
            int held = (int) Math.round(group.size() * fraction);
            held = Math.min(Math.max(held, group.size() > 1 ? 1 : 0), group.size() - 1);
            validation.addAll(group.subList(0, held));
            train.addAll(group.subList(held, group.size()));
        }
        return new Split(sorted(train), sorted(validation));
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
