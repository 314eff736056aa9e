package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * How a table's cells become numbers: numeric columns as they are (missing → NaN), ISO date
 * columns as their parts (year, month, day, weekday, hour; see {@link DateParts}), other string
 * columns one-hot over the categories seen in the data (missing → NaN in each of its
 * columns, so imputation can fill them), and the target as a class index or a number.
 *
 * <p>Fitted once per dataset (the category lists are vocabulary, not statistics, so they
 * do not leak validation values into training) and saved with an exported model, so
 * {@code predict} encodes new rows exactly as training did. A category not seen in training
 * encodes as all zeros.
 */
public record Encoding(String target, TaskType type, List<Feature> features, List<String> classes) {

    /**
     * One source column: a date's parts when {@code date}, else numeric when {@code categories}
     * is null, else one-hot over them.
     */
    public record Feature(String column, List<String> categories, boolean date) {
        public Feature {
            categories = categories == null ? null : List.copyOf(categories);
        }

        public Feature(String column, List<String> categories) {
            this(column, categories, false);
        }

        public int width() {
            return date ? DateParts.PARTS.size() : categories == null ? 1 : categories.size();
        }
    }

    public Encoding {
        features = List.copyOf(features);
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** Fits the encoding of a table that {@link DataReport} found usable. */
    public static Encoding fit(RawTable table, String target, TaskType type) {
        int t = table.indexOf(target);
        if (t < 0) {
            throw TunelabException.invalidSpec("dataset.target: the column \"" + target + "\" is not in "
                    + table.source() + "; columns: " + DataReport.columnsOf(table.columns()));
        }
        var features = new ArrayList<Feature>();
        for (int c = 0; c < table.columns().size(); c++) {
            if (c == t) {
                continue;
            }
            if (table.isNumeric(c)) {
                features.add(new Feature(table.columns().get(c), null));
            } else if (DateParts.isDateColumn(table, c)) {
                features.add(new Feature(table.columns().get(c), null, true));
            } else {
                var categories = new TreeSet<String>();
                for (String[] row : table.rows()) {
                    if (!RawTable.isMissing(row[c])) {
                        categories.add(row[c].strip());
                    }
                }
                features.add(new Feature(table.columns().get(c), List.copyOf(categories)));
            }
        }
        List<String> classes = List.of();
        if (type == TaskType.CLASSIFICATION) {
            boolean numeric = table.isNumeric(t);
            Comparator<String> order = numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
            var labels = new TreeSet<>(order);
            for (String[] row : table.rows()) {
                if (!RawTable.isMissing(row[t])) {
                    labels.add(label(row[t], numeric));
                }
            }
            classes = List.copyOf(labels);
        } else if (!table.isNumeric(t)) {
            throw TunelabException.invalidSpec("dataset.target: \"" + target + "\" holds text, but regression needs a number");
        }
        return new Encoding(target, type, features, classes);
    }

    /** A class label in canonical form: numbers without a trailing ".0", text stripped. */
    static String label(String cell, boolean numeric) {
        String s = cell.strip();
        if (!numeric) {
            return s;
        }
        double v = Double.parseDouble(s);
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The class index of a target cell, or -1 when it is missing or a class not seen in training. */
    public int classIndex(String cell) {
        if (RawTable.isMissing(cell)) {
            return -1;
        }
        String s = cell.strip();
        try {
            return classes.indexOf(label(s, true));
        } catch (NumberFormatException e) {
            return classes.indexOf(s);
        }
    }

    /** The number of model inputs. */
    public int width() {
        return features.stream().mapToInt(Feature::width).sum();
    }

    /** Which model inputs are parts of a date column. */
    public boolean[] dateInputs() {
        boolean[] out = new boolean[width()];
        int j = 0;
        for (Feature f : features) {
            if (f.date()) {
                Arrays.fill(out, j, j + f.width(), true);
            }
            j += f.width();
        }
        return out;
    }

    /** The names of the model inputs: the column, or {@code column=category} for one-hot. */
    public List<String> inputNames() {
        var names = new ArrayList<String>();
        for (Feature f : features) {
            if (f.date()) {
                DateParts.PARTS.forEach(p -> names.add(f.column() + "." + p));
            } else if (f.categories() == null) {
                names.add(f.column());
            } else {
                f.categories().forEach(c -> names.add(f.column() + "=" + c));
            }
        }
        return names;
    }

    /** Encodes the rows of a table that has every feature column (the target may be absent). */
    public double[][] encodeFeatures(RawTable table) {
        int[] at = new int[features.size()];
        for (int f = 0; f < at.length; f++) {
            at[f] = table.indexOf(features.get(f).column());
            if (at[f] < 0) {
                throw TunelabException.invalidSpec(table.source() + " lacks the column \"" + features.get(f).column()
                        + "\" that the model was trained with; columns: " + DataReport.columnsOf(table.columns()));
            }
        }
        double[][] x = new double[table.rows().size()][width()];
        for (int i = 0; i < x.length; i++) {
            String[] row = table.rows().get(i);
            int j = 0;
            for (int f = 0; f < at.length; f++) {
                Feature feature = features.get(f);
                String cell = row[at[f]];
                if (feature.date()) {
                    double[] parts = RawTable.isMissing(cell) ? null : DateParts.of(cell);
                    for (int p = 0; p < feature.width(); p++) {
                        x[i][j++] = parts == null ? Double.NaN : parts[p];
                    }
                } else if (feature.categories() == null) {
                    try {
                        x[i][j++] = RawTable.number(cell);
                    } catch (NumberFormatException e) {
                        throw TunelabException.invalidSpec(table.source() + " row " + (i + 1) + ": column \""
                                + DataReport.column(feature.column()) + "\" holds text, but it is numeric");
                    }
                } else if (RawTable.isMissing(cell)) {
                    Arrays.fill(x[i], j, j + feature.width(), Double.NaN);
                    j += feature.width();
                } else {
                    int k = feature.categories().indexOf(cell.strip());
                    if (k >= 0) {
                        x[i][j + k] = 1;
                    }
                    j += feature.width();
                }
            }
        }
        return x;
    }

    /** The table as a dataset: rows without a target value are left out. */
    public Dataset encode(RawTable table) {
        int t = table.indexOf(target);
        double[][] all = encodeFeatures(table);
        var xs = new ArrayList<double[]>(all.length);
        var ys = new ArrayList<Double>(all.length);
        boolean numeric = table.isNumeric(t);
        for (int i = 0; i < all.length; i++) {
            String cell = table.rows().get(i)[t];
            if (RawTable.isMissing(cell)) {
                continue;
            }
            xs.add(all[i]);
            ys.add(type == TaskType.CLASSIFICATION ? classes.indexOf(label(cell, numeric)) : Double.parseDouble(cell.strip()));
        }
        return new Dataset(table.source(), table.sha256(), this, xs.toArray(double[][]::new),
                ys.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
