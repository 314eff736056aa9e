package io.tunelab.worker.data;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * Which data a task trains on: a bundled sample ({@code name}) or a CSV file ({@code path}),
 * the target column, the task type, how it is validated (a hold-out share, or k folds), and
 * the shape of an input row ({@code [channels, height, width]}, for convolutional models;
 * null when the inputs have none), and the share of rows held out as the {@code test} split
 * (null: none), which the search never sees and only the finalization of the winner scores on;
 * {@code drop} names the columns left out before anything else reads the table (an identifier,
 * a free-text note, a column that leaks the target).
 */
public record DatasetSpec(DatasetSource source, String target, TaskType type, Validation validation, List<Integer> shape,
                          Double test, List<String> drop) {

    public DatasetSpec {
        shape = shape == null ? null : List.copyOf(shape);
        drop = drop == null ? List.of() : List.copyOf(drop);
    }

    /** A dataset whose rows have no shape, that has no test split and that keeps every column. */
    public DatasetSpec(DatasetSource source, String target, TaskType type, Validation validation) {
        this(source, target, type, validation, null, null, List.of());
    }

    /** How a configuration is validated. */
    public sealed interface Validation {
    }

    /** A share of the rows held out; each repetition draws its own split from its seed. */
    public record Holdout(double fraction) implements Validation {
    }

    /** k folds; the folds are the repetitions, the same for every trial of an experiment. */
    public record Folds(int k) implements Validation {
    }

    /**
     * Reads {@code dataset: {name | path, target, type, validation: {holdout: 0.2} | {folds: 3}, test: 0.2, drop: [id]}};
     * {@code shape} is the raw value of {@code dataset.shape} (a list), or null.
     */
    public static DatasetSpec parse(Options s, Object shape) {
        String name = s.string("name", null);
        String path = s.string("path", null);
        if ((name == null) == (path == null)) {
            throw TunelabException.invalidSpec("dataset: give either name (one of " + String.join(", ", DatasetSource.BUNDLED)
                    + ") or path (a CSV file on the worker), " + (name == null ? "got neither" : "not both"));
        }
        DatasetSource source = name != null ? new DatasetSource.Bundled(name) : new DatasetSource.CsvFile(path);
        String target = s.string("target", "target");
        String type = s.string("type", name != null && name.equals("diabetes") ? "regression" : "classification");
        Validation validation = parseValidation(s.section("validation"));
        Double test = s.has("test") ? s.number("test", 0.2) : null;
        if (test != null && !(test > 0 && test < 1)) {
            throw TunelabException.invalidSpec(s.name("test") + " must be between 0 and 1 (exclusive), as 0.2; got " + test);
        }
        List<String> drop = s.texts("drop", List.of());
        if (drop.contains(target)) {
            throw TunelabException.invalidSpec(s.name("drop") + " names the target column \"" + target + "\"; the target is "
                    + "what the model predicts: drop other columns, or set dataset.target to another");
        }
        s.done();
        return new DatasetSpec(source, target, TaskType.parse(type), validation, parseShape(shape), test, drop);
    }

    /** {@code [channels, height, width]}, each a whole number from 1 to 4096. */
    static List<Integer> parseShape(Object shape) {
        if (shape == null) {
            return null;
        }
        String expected = "dataset.shape must be [channels, height, width] (as [1, 8, 8] for 8×8 grey images), got ";
        if (!(shape instanceof List<?> list) || list.size() != 3) {
            throw TunelabException.invalidSpec(expected + shape);
        }
        var out = new ArrayList<Integer>();
        for (Object v : list) {
            Options one = Options.of("dataset", Map.of("shape", v == null ? "null" : v));
            int n;
            try {
                n = one.integer("shape", 0, 1, 4096);
            } catch (TunelabException e) {
                throw TunelabException.invalidSpec(expected + shape + " (each a whole number from 1 to 4096)");
            }
            out.add(n);
        }
        return out;
    }

    private static Validation parseValidation(Options v) {
        Validation result;
        if (v.has("holdout") && v.has("folds")) {
            throw TunelabException.invalidSpec(v.path() + ": give either holdout (a share) or folds (a count), not both");
        } else if (v.has("folds")) {
            result = new Folds(v.integer("folds", 3, 2, 100));
        } else {
            double fraction = v.number("holdout", 0.2);
            if (!(fraction > 0 && fraction < 1)) {
                throw TunelabException.invalidSpec(v.name("holdout") + " must be between 0 and 1 (exclusive), got " + fraction);
            }
            result = new Holdout(fraction);
        }
        v.done();
        return result;
    }
}
