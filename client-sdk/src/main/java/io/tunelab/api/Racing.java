package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an experiment races its trials: every new trial runs {@code minRepetitions} repetitions;
 * after each further one the server compares it with the incumbent on the repetitions the two
 * share, with the paired {@code test} at level {@code alpha}, and ends it RACED_OUT when it is
 * significantly worse; the others, and the incumbent, go on up to {@code maxRepetitions}.
 * A null {@code alpha} or {@code test} means the experiment's analysis decides (its alpha;
 * corrected-t for cross-validation folds, its seed test otherwise). In a spec:
 * {@code racing: {min_repetitions: 2, max_repetitions: 5, alpha: 0.05, test: paired-t}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Racing(
        @JsonProperty("min_repetitions") int minRepetitions,
        @JsonProperty("max_repetitions") int maxRepetitions,
        Double alpha,
        PairedTest test) {
    /** The most repetitions a raced trial may gather. */
    public static final int MAX_REPETITIONS = 100;

    public Racing {
        if (minRepetitions < 2) {
            throw TunelabException.invalidSpec("racing.min_repetitions must be at least 2, as a paired test needs two "
                    + "shared repetitions; got " + minRepetitions);
        }
        if (maxRepetitions < minRepetitions) {
            throw TunelabException.invalidSpec("racing.max_repetitions (" + maxRepetitions + ") must be at least "
                    + "racing.min_repetitions (" + minRepetitions + ")");
        }
        if (maxRepetitions > MAX_REPETITIONS) {
            throw TunelabException.invalidSpec("racing.max_repetitions must be at most " + MAX_REPETITIONS + ", got "
                    + maxRepetitions);
        }
        if (alpha != null && !(alpha > 0 && alpha < 1)) {
            throw TunelabException.invalidSpec("racing.alpha must lie strictly between 0 and 1, as 0.05; got " + alpha);
        }
    }

    public static Racing of(int minRepetitions, int maxRepetitions) {
        return new Racing(minRepetitions, maxRepetitions, null, null);
    }

    @JsonCreator
    static Racing fromJson(@JsonProperty("min_repetitions") Integer minRepetitions,
                           @JsonProperty("max_repetitions") Integer maxRepetitions,
                           @JsonProperty("alpha") Double alpha,
                           @JsonProperty("test") String test) {
        if (maxRepetitions == null) {
            throw TunelabException.invalidSpec("racing.max_repetitions is required: the most repetitions a trial gathers, "
                    + "as racing: {min_repetitions: 2, max_repetitions: 5}");
        }
        return new Racing(minRepetitions == null ? 2 : minRepetitions, maxRepetitions, alpha, test(test));
    }

    private static PairedTest test(String name) {
        if (name == null) {
            return null;
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(PairedTest.values()).filter(t -> t.json().equals(wanted)).findFirst()
                .orElseThrow(() -> TunelabException.invalidSpec("racing.test: \"" + name + "\" is not a paired test; "
                        + "options: corrected-t (cross-validation folds), paired-t, wilcoxon (seeds)"));
    }
}
