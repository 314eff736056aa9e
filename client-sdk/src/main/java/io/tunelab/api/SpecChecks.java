package io.tunelab.api;

import java.util.Map;

/**
 * What a new sweep spec, a new name or a newly suggested param must also be, beyond what every
 * spec record checks when it is built: these checks came after experiments were stored, so they
 * run where a spec is made (the server's create, clone, rename and suggest; the SDK's builder;
 * {@link Specs#parse}), never where a stored one is read back, which a newer check must not make
 * unreadable.
 */
public final class SpecChecks {
    /** The most values a step may make of a float's range: their indices and the grid points stay exact. */
    public static final double MAX_GRID_POINTS = 1e15;
    /** The most evaluations (seeds or folds) of one trial a new spec may ask for. */
    public static final int MAX_REPETITIONS = 1_000;

    /** The longest param name, in characters: the trial rows and exports keep it with every value. */
    public static final int MAX_PARAM_NAME_LENGTH = 200;

    private SpecChecks() {
    }

    /** Refuses (INVALID_SPEC) a spec that a new experiment may not have; answers it otherwise. */
    public static ExperimentSpec newSpec(ExperimentSpec spec) {
        newName(spec.name());
        if (spec.repetitions() > MAX_REPETITIONS) {
            throw TunelabException.invalidSpec("repetitions must be from 1 to " + MAX_REPETITIONS + ", got " + spec.repetitions()
                    + "; each trial is evaluated that many times");
        }
        for (Objective o : spec.objectives()) {
            String problem = MetricNames.problem(o.metric());
            if (problem != null) {
                throw TunelabException.invalidSpec("objective's metric name " + problem);
            }
        }
        for (int i = 0; i < spec.constraints().size(); i++) {
            String problem = MetricNames.problem(spec.constraints().get(i).metric());
            if (problem != null) {
                throw TunelabException.invalidSpec("constraints[" + i + "].metric " + problem);
            }
        }
        for (Map.Entry<String, Param> p : spec.space().params().entrySet()) {
            newParam(p.getKey(), p.getValue());
        }
        return spec;
    }

    /** Refuses an experiment name that holds a control character or that no URL can reach (the record checks the rest). */
    public static void newName(String name) {
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            throw TunelabException.invalidSpec("name \"" + printable(name) + "\" holds a control character; name the experiment "
                    + "with printable text, as lr-sweep-2");
        }
        if (".".equals(name) || "..".equals(name)) {
            // A URL path segment "." or ".." is resolved away: /api/experiments/.. is /api.
            throw TunelabException.invalidSpec("name \"" + name + "\" cannot be reached in a URL; add a letter, as lr-sweep-2");
        }
        if (name == null || name.isBlank()) {
            return;
        }
        // Names two experiments could share in every listing and command without being equal.
        String shown = VisibleText.of(name);
        if (!name.equals(name.strip())) {
            throw TunelabException.invalidSpec("name \"" + shown + "\" starts or ends with white space, which no listing shows; "
                    + "leave it out, as \"" + VisibleText.of(name.strip()) + "\"");
        }
        int hidden = VisibleText.firstHidden(name);
        if (hidden >= 0) {
            throw TunelabException.invalidSpec("name \"" + shown + "\" holds an invisible character (U+"
                    + String.format("%04X", (int) name.charAt(hidden)) + "); name the experiment with visible text, as lr-sweep-2");
        }
        if (!java.text.Normalizer.isNormalized(name, java.text.Normalizer.Form.NFC)) {
            throw TunelabException.invalidSpec("name \"" + shown + "\" is not in Unicode's composed form (NFC), so it would differ from "
                    + "the same name typed composed; send it as \"" + java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC)
                    + "\"");
        }
        if (name.startsWith("-")) {
            throw TunelabException.invalidSpec("name \"" + shown + "\" starts with '-', which the command line reads as an option; "
                    + "start it with a letter or a digit");
        }
    }

    /** Refuses a param a new experiment (or a suggest) may not add. */
    public static void newParam(String name, Param param) {
        if (name.length() > MAX_PARAM_NAME_LENGTH) {
            throw TunelabException.invalidSpec("a param name of " + name.length() + " characters is too long; at most "
                    + MAX_PARAM_NAME_LENGTH);
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw TunelabException.invalidSpec("param \"" + printable(name) + "\": a param name holds a control character; name it "
                    + "with printable text, as lr or n_layers");
        }
        String problem = samplingProblem(name, param);
        if (problem != null) {
            throw TunelabException.invalidSpec(problem);
        }
    }

    /**
     * Why a strategy could not draw values of {@code param} (a float range wider than the largest
     * double draws ±Infinity and NaN; a grid of more than 10^15 points overflows its count; an int
     * step wider than the range), as a message naming the param; null when it can. The server asks
     * it of stored specs too, which may predate these checks, before it proposes a trial.
     */
    public static String samplingProblem(String name, Param param) {
        String problem = samplingProblemOf(param);
        return problem == null ? null : "param \"" + printable(name) + "\": " + problem;
    }

    /**
     * {@link #samplingProblem(String, Param)} without the param's name: the server asks it on every
     * ask and tell, so the name's printable form is built only for a message.
     */
    private static String samplingProblemOf(Param param) {
        if (param instanceof FloatParam f) {
            double width = f.high() - f.low();
            if (!Double.isFinite(width)) {
                // A value is drawn as low + u·(high − low): an infinite width draws ±Infinity and NaN.
                return "high - low (" + f.high() + " - " + f.low() + ") is beyond the largest double; narrow the range, "
                        + "or search its exponent with log: true";
            }
            if (f.step() != null && width / f.step() > MAX_GRID_POINTS) {
                return "step (" + f.step() + ") divides [" + f.low() + ", " + f.high() + "] into more than 10^15 values; "
                        + "use a coarser step, or leave step out for any value in the range";
            }
        } else if (param instanceof IntParam p && p.step() != null && p.step() > (long) p.high() - p.low()) {
            return "step (" + p.step() + ") must not exceed high - low (" + ((long) p.high() - p.low()) + ")";
        }
        return null;
    }

    /** The first of {@code space}'s params a strategy could not draw values of, as {@link #samplingProblem(String, Param)} says; null when none. */
    public static String samplingProblem(SearchSpace space) {
        for (Map.Entry<String, Param> p : space.params().entrySet()) {
            String problem = samplingProblem(p.getKey(), p.getValue());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * The text with each control character shown as '?', for a message that repeats it: the C0
     * and C1 controls alike (U+0085, next line, is one), since {@link #newName} refuses them all.
     */
    public static String printable(String text) {
        return text.replaceAll("\\p{Cc}", "?");
    }
}
