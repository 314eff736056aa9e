package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where a task's data comes from: a bundled sample by name, or a CSV file on the worker's
 * disk, which only {@link DataSandbox} reads. Reading never downloads anything.
 */
public sealed interface DatasetSource {
    /** The samples shipped in the worker jar, under {@code /datasets/NAME.csv}. */
    List<String> BUNDLED = List.of("digits", "iris", "wine", "breast_cancer", "diabetes");

    /** How the source is named in reports and provenance. */
    String describe();

    record Bundled(String name) implements DatasetSource {
        public Bundled {
            if (!BUNDLED.contains(name)) {
                throw TunelabException.invalidSpec("dataset.name: unknown dataset \"" + name + "\"; bundled datasets: "
                        + String.join(", ", BUNDLED) + " (or give dataset.path to a CSV file)");
            }
        }

        /** The sample as a table. */
        public RawTable read() {
            try (InputStream in = DatasetSource.class.getResourceAsStream("/datasets/" + name + ".csv")) {
                if (in == null) {
                    throw new IllegalStateException("the worker jar lacks /datasets/" + name + ".csv");
                }
                return CsvReader.read(describe(), in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read bundled dataset " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return name;
        }
    }

    /**
     * A CSV file on the worker's disk, as the task names it (absolute, or relative to a data
     * root); only {@link DataSandbox} reads it, after checking it may.
     */
    record CsvFile(String path) implements DatasetSource {
        @Override
        public String describe() {
            return path;
        }
    }
}
