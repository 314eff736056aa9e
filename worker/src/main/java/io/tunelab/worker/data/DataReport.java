package io.tunelab.worker.data;

import io.tunelab.api.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data-quality report of a table for a target: rows, columns and their types, missing
 * values per column, constant and duplicate columns, duplicate rows, outliers per column
 * (Tukey fences), and the class balance or the target's distribution. {@code usable} is false
 * when no model could be trained (then {@code problems} says why); {@code warnings} list
 * what a person should look at but what does not stop training.
 *
 * <p>The report is a JSON-ready map, because it is stored and shown as it is.
 */
public final class DataReport {
    /** The most classes {@code class_balance} lists; the others are summed up in {@code class_balance_unlisted}. */
    static final int MAX_CLASSES = 50;
    /** The longest class label or cell a report or message repeats; longer ones are cut, with a marker. */
    static final int MAX_LABEL = 64;
    /**
     * The longest column name a message repeats whole, so that it can be told from the others and
     * given back in {@code dataset.drop}. No column is named at such length: a longer name is a
     * header read wrong (a file of another separator reads its whole header as one name), cut as
     * a label is.
     */
    static final int MAX_COLUMN_NAME = 1000;
    /** The most column names a message lists; the others are counted. */
    static final int MAX_COLUMNS_LISTED = 20;
    /** The most distinct values a text feature column may have: one-hot, each is an input of its own. */
    static final int MAX_CATEGORIES = 1000;
    /** The fewest rows from which a column with a distinct value in every row is warned about as an identifier. */
    static final int MIN_ROWS_FOR_IDENTIFIER = 20;
    /** The share of a text column's present values that are numbers from which the column is warned about. */
    static final double MOSTLY_NUMERIC = 0.9;

    private DataReport() {
    }

    /** The report; never throws for bad data, which is what it reports. */
    public static Map<String, Object> of(RawTable table, String target, TaskType type) {
        var report = new LinkedHashMap<String, Object>();
        var problems = new ArrayList<String>();
        var warnings = new ArrayList<String>();
        report.put("dataset", table.source());
        report.put("sha256", table.sha256());
        report.put("rows", table.rows().size());
        report.put("columns", table.columns().size());
        report.put("target", target);
        report.put("type", type.wire());

        if (table.columns().isEmpty() || table.rows().isEmpty()) {
            problems.add(table.columns().isEmpty() ? "the file is empty: no header and no rows"
                    : "the file has a header but no rows");
            return finish(report, problems, warnings);
        }
        int t = table.indexOf(target);
        if (t < 0) {
            problems.add("the target column \"" + target + "\" is not in the data; columns: " + columnsOf(table.columns())
                    + CsvReader.otherSeparator(table.columns()));
        }
        String named = twiceNamed(table.columns());
        if (named != null) {
            problems.add(named);
        }
        if (table.columns().size() < 2) {
            problems.add("there are no feature columns besides the target");
        }

        int d = table.columns().size();
        var types = new LinkedHashMap<String, String>();
        var missing = new LinkedHashMap<String, Integer>();
        var outliers = new LinkedHashMap<String, Integer>();
        var constant = new ArrayList<String>();
        for (int c = 0; c < d; c++) {
            String name = table.columns().get(c);
            boolean numeric = table.isNumeric(c);
            types.put(name, numeric ? "numeric" : "string");
            int miss = 0;
            var distinct = new HashSet<String>();
            for (String[] row : table.rows()) {
                if (RawTable.isMissing(row[c])) {
                    miss++;
                } else {
                    distinct.add(numeric ? String.valueOf(Double.parseDouble(row[c].strip())) : row[c].strip());
                }
            }
            missing.put(name, miss);
            // Numbers but for a few: what to correct is those cells, whether or not the column names rows.
            String mixed = numeric ? null : mostlyNumeric(table, c, miss);
            if (mixed != null) {
                warnings.add(mixed);
            } else if (c != t && (numeric || !DateParts.isDateColumn(table, c))) {
                int present = table.rows().size() - miss;
                if (!numeric && distinct.size() > MAX_CATEGORIES) {
                    problems.add("column \"" + column(name) + "\" holds " + distinct.size() + " distinct text values; one-hot "
                            + "they would make as many inputs (at most " + MAX_CATEGORIES + "): leave it out with dataset.drop: "
                            + dropping(name) + ", or encode it as numbers in the file");
                } else if (present >= MIN_ROWS_FOR_IDENTIFIER && (numeric ? countsRows(table, c) : distinct.size() == present)) {
                    warnings.add("column \"" + column(name) + "\" " + (numeric ? "counts the rows (0 or 1, 2, 3, … in file order)"
                            : "has a different value in every row") + ": an identifier, or a saved row index? It tells the model "
                            + "nothing about other rows; leave it out with dataset.drop: " + dropping(name));
                }
            }
            if (distinct.size() <= 1) {
                constant.add(name);
            }
            if (numeric) {
                double[] v = column(table, c);
                int out = new Quantiles(v).outsideFences();
                if (out > 0) {
                    outliers.put(name, out);
                }
            }
        }
        report.put("column_types", types);
        report.put("missing", missing);
        int missingCells = missing.values().stream().mapToInt(Integer::intValue).sum();
        report.put("missing_cells", missingCells);
        report.put("constant_columns", constant);
        report.put("duplicate_columns", duplicateColumns(table));
        report.put("duplicate_rows", duplicateRows(table));
        report.put("outliers", outliers);
        if (missingCells > 0) {
            warnings.add(missingCells + " cells are missing; choose an imputation other than none");
        }
        if (!constant.isEmpty()) {
            warnings.add("constant columns carry no information: " + columnsOf(constant));
        }

        if (t >= 0) {
            String targetType = types.get(target);
            int missingTargets = missing.get(target);
            if (missingTargets == table.rows().size()) {
                problems.add("the target column \"" + target + "\" has no values");
            } else if (missingTargets > 0) {
                warnings.add(missingTargets + " rows have no target value and are left out");
            }
            if (type == TaskType.REGRESSION) {
                if (targetType.equals("string")) {
                    problems.add("the target column \"" + target + "\" holds text (for example \"" + clip(firstText(table, t))
                            + "\"), but regression needs a numeric target; use type: classification or another target");
                } else if (missingTargets < table.rows().size()) {
                    report.put("target_distribution", distribution(column(table, t)));
                }
            } else {
                var balance = classBalance(table, t, targetType.equals("numeric"));
                putClassBalance(report, balance);
                if (balance.size() < 2 && missingTargets < table.rows().size()) {
                    problems.add("the target column \"" + target + "\" has only one class "
                            + balance.keySet().stream().map(DataReport::clip).toList() + "; classification needs at least two");
                } else if (balance.size() > 100) {
                    warnings.add("the target has " + balance.size() + " classes; is this a regression target?");
                }
                var imbalance = Imbalance.assess(balance.values());
                if (imbalance != null) {
                    report.put("imbalance", imbalance);
                    warnings.add(String.format(Locale.ROOT, "the classes are imbalanced (the rarest has %.1f%% of the rows, "
                            + "the commonest %.1f times as many); try training.class_weights: balanced or "
                            + "training.oversampling: random, and an objective such as f1_macro or roc_auc",
                            100 * (double) imbalance.get("minority_share"), (double) imbalance.get("ratio")));
                }
            }
        }
        return finish(report, problems, warnings);
    }

    /**
     * The report of a file the worker refused to read: nothing about its content, only the
     * path the task gave and why, so that the experiment stops with that reason.
     */
    public static Map<String, Object> refused(String source, String problem) {
        var report = new LinkedHashMap<String, Object>();
        report.put("dataset", source);
        return finish(report, List.of(problem), List.of());
    }

    /** The report with one more problem, so unusable: a task's own fields that the data contradicts. */
    static Map<String, Object> withProblem(Map<String, Object> report, String problem) {
        var problems = new ArrayList<>(problems(report));
        problems.add(problem);
        return finish(new LinkedHashMap<>(report), problems, warnings(report));
    }

    /** The report with one more warning: a task's own field that the data makes doubtful. */
    static Map<String, Object> withWarning(Map<String, Object> report, String warning) {
        var warnings = new ArrayList<>(warnings(report));
        warnings.add(warning);
        return finish(new LinkedHashMap<>(report), problems(report), warnings);
    }

    /** Whether a report says the data can be trained on. */
    public static boolean usable(Map<String, Object> report) {
        return Boolean.TRUE.equals(report.get("usable"));
    }

    @SuppressWarnings("unchecked")
    public static List<String> problems(Map<String, Object> report) {
        return (List<String>) report.getOrDefault("problems", List.of());
    }

    @SuppressWarnings("unchecked")
    static List<String> warnings(Map<String, Object> report) {
        return (List<String>) report.getOrDefault("warnings", List.of());
    }

    private static Map<String, Object> finish(Map<String, Object> report, List<String> problems, List<String> warnings) {
        report.put("usable", problems.isEmpty());
        report.put("problems", List.copyOf(problems));
        report.put("warnings", List.copyOf(warnings));
        return report;
    }

    private static double[] column(RawTable table, int c) {
        double[] v = new double[table.rows().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RawTable.number(table.rows().get(i)[c]);
        }
        return v;
    }

    /** The value of {@code dataset.drop} that leaves a column out, quoted as JSON and YAML read it (a saved index's name is ""). */
    private static String dropping(String column) {
        return "[" + quoted(column) + "]";
    }

    /** Whether a numeric column holds its row numbers, from 0 or from 1, in file order (a saved index or an id). */
    private static boolean countsRows(RawTable table, int c) {
        double first = Double.NaN;
        for (int i = 0; i < table.rows().size(); i++) {
            double v = RawTable.number(table.rows().get(i)[c]);
            if (i == 0) {
                first = v;
                if (v != 0 && v != 1) {
                    return false;
                }
            } else if (v != first + i) {
                return false;
            }
        }
        return true;
    }

    /** The problem of a header that names a column twice (which of them a task means is unknown), or null. */
    private static String twiceNamed(List<String> columns) {
        var first = new HashMap<String, Integer>();
        for (int c = 0; c < columns.size(); c++) {
            Integer earlier = first.putIfAbsent(columns.get(c), c);
            if (earlier != null) {
                return "the header names column \"" + column(columns.get(c)) + "\" twice (columns " + (earlier + 1) + " and " + (c + 1)
                        + "); give every column its own name";
            }
        }
        return null;
    }

    /**
     * The warning for a text column whose values are numbers but for a few (a typo, a unit, a
     * marker such as "n/a" or "-"): read as text, it becomes a category per distinct value. Null
     * when fewer than {@link #MOSTLY_NUMERIC} of its present values are numbers.
     */
    private static String mostlyNumeric(RawTable table, int c, int missing) {
        int present = table.rows().size() - missing;
        int text = 0;
        String example = null;
        for (String[] row : table.rows()) {
            if (!RawTable.isMissing(row[c])) {
                try {
                    Double.parseDouble(row[c].strip());
                } catch (NumberFormatException e) {
                    text++;
                    example = example == null ? row[c].strip() : example;
                }
            }
        }
        if (present == 0 || present - text < MOSTLY_NUMERIC * present) {
            return null;
        }
        return "column \"" + column(table.columns().get(c)) + "\" holds numbers but for " + text + " of its " + present
                + " values (for example \"" + clip(example) + "\"), so it is read as text, each distinct value a category; "
                + "correct those cells, or leave them empty to have them imputed as missing";
    }

    private static String firstText(RawTable table, int c) {
        for (String[] row : table.rows()) {
            if (!RawTable.isMissing(row[c])) {
                try {
                    Double.parseDouble(row[c].strip());
                } catch (NumberFormatException e) {
                    return row[c].strip();
                }
            }
        }
        return "";
    }

    private static Map<String, Integer> classBalance(RawTable table, int c, boolean numeric) {
        Map<String, Integer> counts = numeric ? new TreeMap<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                : new TreeMap<>();
        for (String[] row : table.rows()) {
            if (!RawTable.isMissing(row[c])) {
                counts.merge(Encoding.label(row[c], numeric), 1, Integer::sum);
            }
        }
        return new LinkedHashMap<>(counts);
    }

    /**
     * The class balance as shown: the {@link #MAX_CLASSES} most frequent classes in label order,
     * with labels cut to {@link #MAX_LABEL} characters, and how many classes and rows are not listed.
     */
    private static void putClassBalance(Map<String, Object> report, Map<String, Integer> counts) {
        var listed = new LinkedHashSet<String>(counts.keySet());
        if (counts.size() > MAX_CLASSES) {
            listed.clear();
            counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(MAX_CLASSES)
                    .forEach(e -> listed.add(e.getKey()));
        }
        var shown = new LinkedHashMap<String, Integer>();
        int unlistedRows = 0;
        for (var e : counts.entrySet()) {
            if (listed.contains(e.getKey())) {
                shown.merge(clip(e.getKey()), e.getValue(), Integer::sum);
            } else {
                unlistedRows += e.getValue();
            }
        }
        report.put("class_balance", shown);
        if (counts.size() > listed.size()) {
            report.put("class_balance_unlisted", Map.of("classes", counts.size() - listed.size(), "rows", unlistedRows));
        }
    }

    /** A label or cell as a report or message repeats it: at most {@link #MAX_LABEL} characters, then a marker. */
    static String clip(String s) {
        return clip(s, MAX_LABEL);
    }

    /** A column name as a message repeats it: whole, up to {@link #MAX_COLUMN_NAME} characters (then cut, with a marker). */
    static String column(String name) {
        return clip(name, MAX_COLUMN_NAME);
    }

    private static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + "…[" + s.length() + " chars]";
    }

    /**
     * Column names for a message: at most {@link #MAX_COLUMNS_LISTED}, then how many more, each
     * {@link #column whole} and quoted as JSON and YAML read it, so that names holding a comma or a
     * space are told apart and any of them can be given back in {@code dataset.drop}.
     */
    static String columnsOf(List<String> columns) {
        var shown = columns.stream().limit(MAX_COLUMNS_LISTED).map(DataReport::quoted).toList();
        return "[" + String.join(", ", shown) + "]" + (columns.size() > shown.size() ? " and " + (columns.size() - shown.size()) + " more" : "");
    }

    /** A column name as a JSON string, which YAML reads too. */
    private static String quoted(String name) {
        return Json.write(column(name));
    }

    private static Map<String, Object> distribution(double[] v) {
        var q = new Quantiles(v);
        double[] present = Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
        double mean = Arrays.stream(present).average().orElse(Double.NaN);
        double var = Arrays.stream(present).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, present.length - 1);
        var m = new LinkedHashMap<String, Object>();
        m.put("min", q.at(0));
        m.put("q1", q.at(0.25));
        m.put("median", q.at(0.5));
        m.put("q3", q.at(0.75));
        m.put("max", q.at(1));
        m.put("mean", mean);
        m.put("std", Math.sqrt(var));
        return m;
    }

    private static List<List<String>> duplicateColumns(RawTable table) {
        int d = table.columns().size();
        var seen = new HashMap<List<String>, String>();
        var pairs = new ArrayList<List<String>>();
        for (int c = 0; c < d; c++) {
            var values = new ArrayList<String>(table.rows().size());
            for (String[] row : table.rows()) {
                values.add(row[c].strip());
            }
            String first = seen.putIfAbsent(values, table.columns().get(c));
            if (first != null) {
                pairs.add(List.of(first, table.columns().get(c)));
            }
        }
        return pairs;
    }

    private static int duplicateRows(RawTable table) {
        var seen = new HashSet<List<String>>();
        int duplicates = 0;
        for (String[] row : table.rows()) {
            if (!seen.add(Arrays.stream(row).map(String::strip).toList())) {
                duplicates++;
            }
        }
        return duplicates;
    }
}
