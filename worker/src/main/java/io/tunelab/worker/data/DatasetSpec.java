package io.tunelab.worker.data;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;


/**
 * Which data a task trains on: a bundled sample ({@code name}) or a CSV file ({@code path}),
 * the target column, the task type, how it is validated (a hold-out share, or k folds), and
 * the share of rows held out as the {@code test} split (null: none), which the search never
 * sees and only the finalization of the winner scores on.
 */
public record DatasetSpec(DatasetSource source, String target, TaskType type, Validation validation, Double test) {

    /** A dataset without a test split. */
    public DatasetSpec(DatasetSource source, String target, TaskType type, Validation validation) {
        this(source, target, type, validation, null);
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

    /** Reads {@code dataset: {name | path, target, type, validation: {holdout: 0.2} | {folds: 3}, test: 0.2}}. */
    public static DatasetSpec parse(Options s) {
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
        s.done();
        return new DatasetSpec(source, target, TaskType.parse(type), validation, test);
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
