package io.tunelab.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Loads sweep specs from YAML or JSON text or files. */
public final class Specs {
    private Specs() {
    }

    /** Parses a spec written in YAML or JSON. */
    public static ExperimentSpec parse(String text) {
        return SpecChecks.newSpec(Json.readJsonOrYaml(text, ExperimentSpec.class));
    }

    /** Reads a spec file; {@code .json} is read as JSON, anything else as YAML (a superset of JSON). */
    public static ExperimentSpec load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "no sweep spec at " + file.toAbsolutePath());
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The spec as YAML, the form people edit. */
    public static String toYaml(ExperimentSpec spec) {
        try {
            return Json.yamlMapper().writeValueAsString(spec);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "could not write YAML: " + e.getMessage());
        }
    }
}
