package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an experiment is: its unique name, its objective(s), the search space, the strategy
 * and pruner, the budget, how many repetitions evaluate each trial, an optional task for
 * workers, a seed, how the leaderboard compares trials ({@link Analysis}) and, optionally, how
 * trials are raced ({@link Racing}: then {@code repetitions} is the racing maximum) and, optionally,
 * which experiment's best trials start its history ({@link WarmStart}). Loaded from YAML
 * or JSON by {@link Specs}; a spec may say {@code objective: {...}} for one objective or
 * {@code objectives: [...]} for several. {@code constraints} bound other reported metrics: a trial
 * outside them is infeasible and ranks after every feasible one ({@link Constraint}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(
        String name,
        List<Objective> objectives,
        SearchSpace space,
        StrategySpec strategy,
        PrunerSpec pruner,
        Budget budget,
        int repetitions,
        Map<String, Object> task,
        Long seed,
        Analysis analysis,
        Racing racing,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Constraint> constraints,
        @JsonProperty("warm_start") WarmStart warmStart) {

    /** Names are used in URLs and CLI arguments; keep them to a readable, unambiguous set. */
    public static final int MAX_NAME_LENGTH = 200;

    public ExperimentSpec {
        if (name == null || name.isBlank()) {
            throw TunelabException.invalidSpec("name is required: every experiment has a unique name");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw TunelabException.invalidSpec("name is " + name.length() + " characters long; at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
        if (name.chars().allMatch(Character::isDigit)) {
            throw TunelabException.invalidSpec("name \"" + name + "\" is all digits and would read as an id; add a letter");
        }
        if (name.contains("/")) {
            throw TunelabException.invalidSpec("name \"" + name + "\" must not contain '/'");
        }
        if (objectives == null || objectives.isEmpty()) {
            throw TunelabException.invalidSpec("an objective is required, as objective: {metric: loss, direction: minimize}");
        }
        objectives = List.copyOf(objectives);
        var metrics = new HashSet<String>();
        for (Objective o : objectives) {
            if (!metrics.add(o.metric())) {
                throw TunelabException.invalidSpec("objective metric \"" + o.metric() + "\" is listed twice");
            }
        }
        space = space == null ? SearchSpace.empty() : space;
        strategy = strategy == null ? StrategySpec.of(StrategySpec.DEFAULT) : strategy;
        pruner = pruner == null ? PrunerSpec.none() : pruner;
        budget = budget == null ? Budget.unlimited() : budget;
        if (repetitions == 0) {
            repetitions = 1;
        }
        if (repetitions < 1) {
            throw TunelabException.invalidSpec("repetitions must be 1 or more, got " + repetitions);
        }
        // A field given as null (YAML's "dataset:" with nothing after it) is a field left out, as
        // it is for the spec's own fields; Map.copyOf refused it with a bare NullPointerException.
        task = task == null ? null : task.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        analysis = analysis == null ? Analysis.defaults() : analysis;
        if (racing != null) {
            if (repetitions != 1 && repetitions != racing.maxRepetitions()) {
                throw TunelabException.invalidSpec("repetitions (" + repetitions + ") and racing.max_repetitions ("
                        + racing.maxRepetitions() + ") disagree; with racing give racing.max_repetitions alone");
            }
            if (objectives.size() > 1) {
                throw TunelabException.invalidSpec("racing compares trials on one objective, this spec has "
                        + objectives.size() + "; race on one objective or remove racing");
            }
            repetitions = racing.maxRepetitions();
        }
        constraints = Constraint.check(constraints, objectives);
    }

    /** A spec without constraints or a warm start. */
    public ExperimentSpec(String name, List<Objective> objectives, SearchSpace space, StrategySpec strategy, PrunerSpec pruner,
                          Budget budget, int repetitions, Map<String, Object> task, Long seed, Analysis analysis, Racing racing) {
        this(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing, null, null);
    }

    /** A spec without racing. */
    public ExperimentSpec(String name, List<Objective> objectives, SearchSpace space, StrategySpec strategy, PrunerSpec pruner,
                          Budget budget, int repetitions, Map<String, Object> task, Long seed, Analysis analysis) {
        this(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, null);
    }

    /** A spec with the default analysis. */
    public ExperimentSpec(String name, List<Objective> objectives, SearchSpace space, StrategySpec strategy, PrunerSpec pruner,
                          Budget budget, int repetitions, Map<String, Object> task, Long seed) {
        this(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, null);
    }

    @JsonCreator
    static ExperimentSpec fromJson(
            @JsonProperty("name") String name,
            @JsonProperty("objective") Objective objective,
            @JsonProperty("objectives") List<Objective> objectives,
            @JsonProperty("space") SearchSpace space,
            @JsonProperty("strategy") StrategySpec strategy,
            @JsonProperty("pruner") PrunerSpec pruner,
            @JsonProperty("budget") Budget budget,
            @JsonProperty("repetitions") Integer repetitions,
            @JsonProperty("task") Map<String, Object> task,
            @JsonProperty("seed") Long seed,
            @JsonProperty("analysis") Analysis analysis,
            @JsonProperty("racing") Racing racing,
            @JsonProperty("constraints") List<Constraint> constraints,
            @JsonProperty("warm_start") WarmStart warmStart) {
        if (objective != null && objectives != null) {
            throw TunelabException.invalidSpec("give either objective (one) or objectives (a list), not both");
        }
        if (repetitions != null && repetitions < 1) {
            throw TunelabException.invalidSpec("repetitions must be 1 or more, got " + repetitions);
        }
        return new ExperimentSpec(name, objective != null ? List.of(objective) : objectives, space, strategy, pruner,
                budget, repetitions == null ? 1 : repetitions, task, seed, analysis, racing, constraints, warmStart);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The first objective: the one leaderboards rank by. */
    @JsonIgnore
    public Objective primary() {
        return objectives.getFirst();
    }

    /** The seed the strategy uses: the strategy's own, else the spec's, else null. */
    @JsonIgnore
    public Long effectiveSeed() {
        return strategy.seed() != null ? strategy.seed() : seed;
    }

    public ExperimentSpec withSpace(SearchSpace space) {
        return new ExperimentSpec(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing,
                constraints, warmStart);
    }

    public ExperimentSpec withBudget(Budget budget) {
        return new ExperimentSpec(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing,
                constraints, warmStart);
    }

    public ExperimentSpec withSeed(Long seed) {
        return new ExperimentSpec(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing,
                constraints, warmStart);
    }

    public ExperimentSpec withPruner(PrunerSpec pruner) {
        return new ExperimentSpec(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing,
                constraints, warmStart);
    }

    public ExperimentSpec withName(String name) {
        return new ExperimentSpec(name, objectives, space, strategy, pruner, budget, repetitions, task, seed, analysis, racing,
                constraints, warmStart);
    }

    /** Builds a spec in code, for SDK users. */
    public static final class Builder {
        private final String name;
        private List<Objective> objectives = List.of();
        private final SearchSpace.Builder space = SearchSpace.builder();
        private StrategySpec strategy;
        private PrunerSpec pruner;
        private Budget budget;
        private int repetitions = 1;
        private Map<String, Object> task;
        private Long seed;
        private Analysis analysis;
        private Racing racing;
        private List<Constraint> constraints;
        private WarmStart warmStart;

        private Builder(String name) {
            this.name = name;
        }

        public Builder minimize(String metric) {
            return objectives(Objective.minimize(metric));
        }

        public Builder maximize(String metric) {
            return objectives(Objective.maximize(metric));
        }

        public Builder objectives(Objective... objectives) {
            this.objectives = List.of(objectives);
            return this;
        }

        public Builder param(String name, Param param) {
            space.add(name, param);
            return this;
        }

        public Builder strategy(StrategySpec strategy) {
            this.strategy = strategy;
            return this;
        }

        public Builder strategy(String name) {
            return strategy(StrategySpec.of(name));
        }

        public Builder pruner(PrunerSpec pruner) {
            this.pruner = pruner;
            return this;
        }

        public Builder budget(Budget budget) {
            this.budget = budget;
            return this;
        }

        public Builder trials(int trials) {
            this.budget = (budget == null ? Budget.unlimited() : budget).withTrials(trials);
            return this;
        }

        public Builder repetitions(int repetitions) {
            this.repetitions = repetitions;
            return this;
        }

        public Builder task(Map<String, Object> task) {
            this.task = task;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How the leaderboard compares trials: the paired test for seeds and the significance level. */
        public Builder analysis(Analysis analysis) {
            this.analysis = analysis;
            return this;
        }

        /** Races the trials: repetitions leased one at a time, significantly worse trials ended early. */
        public Builder racing(Racing racing) {
            this.racing = racing;
            return this;
        }

        /** The bounds a trial's reported metrics must keep to be feasible ({@link Constraint}). */
        public Builder constraints(Constraint... constraints) {
            this.constraints = List.of(constraints);
            return this;
        }

        /** Starts the history with the best trials of another experiment ({@link WarmStart}). */
        public Builder warmStart(WarmStart warmStart) {
            this.warmStart = warmStart;
            return this;
        }

        public ExperimentSpec build() {
            return SpecChecks.newSpec(new ExperimentSpec(name, objectives, space.build(), strategy, pruner, budget, repetitions,
                    task, seed, analysis, racing, constraints, warmStart));
        }
    }
}
