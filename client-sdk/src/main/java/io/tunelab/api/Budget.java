package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How much an experiment may spend: at most {@code trials} trials in all, at most
 * {@code parallel} running at once, for at most {@code minutes} of wall time while RUNNING.
 * A null field means no limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Budget(Integer trials, Integer parallel, Double minutes) {
    public Budget {
        if (trials != null && trials < 0) {
            throw TunelabException.invalidSpec("budget.trials must be 0 or more, got " + trials);
        }
        if (parallel != null && parallel < 1) {
            throw TunelabException.invalidSpec("budget.parallel must be 1 or more, got " + parallel);
        }
        if (minutes != null && !(minutes > 0 && Double.isFinite(minutes))) {
            throw TunelabException.invalidSpec("budget.minutes must be a positive number, got " + minutes);
        }
    }

    public static Budget unlimited() {
        return new Budget(null, null, null);
    }

    public static Budget trials(int trials) {
        return new Budget(trials, null, null);
    }

    public Budget withTrials(Integer trials) {
        return new Budget(trials, parallel, minutes);
    }

    public Budget withParallel(Integer parallel) {
        return new Budget(trials, parallel, minutes);
    }

    /** This budget with each field that {@code other} sets replaced by other's value. */
    public Budget overriddenBy(Budget other) {
        if (other == null) {
            return this;
        }
        return new Budget(other.trials != null ? other.trials : trials,
                other.parallel != null ? other.parallel : parallel,
                other.minutes != null ? other.minutes : minutes);
    }
}
