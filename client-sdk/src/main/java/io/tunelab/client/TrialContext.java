package io.tunelab.client;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Decision;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Repetition;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TunelabException;
import io.tunelab.api.TrialProposal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What an objective function sees of its trial: the params the strategy proposed for the
 * declared space, and {@code suggest*} for params the function defines while it runs
 * (define-by-run; the server adds them to the experiment's space and proposes their values).
 * Intermediate values go through {@link #report}, which answers whether to prune.
 * {@link #artifact} attaches files at once; {@link #repetition(int, Map)}, {@link #tag} and
 * {@link #note} are kept and told with the trial's result, beside the provenance {@code optimize}
 * captures. When the experiment races, each context is one repetition of its trial, named by
 * {@link #repetition()}.
 * Not thread-safe: one trial, one thread.
 */
public final class TrialContext {
    private final TunelabClient client;
    private final String metric;
    private final TrialProposal proposal;
    private final Map<String, Object> params;
    private int lastStep = -1;
    private Double lastValue;
    private boolean pruneAsked;
    private final List<Repetition> repetitions = new ArrayList<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    TrialContext(TunelabClient client, String metric, TrialProposal proposal) {
        this.client = client;
        this.metric = metric;
        this.proposal = proposal;
        this.params = new LinkedHashMap<>(proposal.params());
    }

    public long id() {
        return proposal.id();
    }

    public int number() {
        return proposal.number();
    }

    /**
     * The one repetition to evaluate when the experiment races its trials (a fold or seed index,
     * from 0; the value returned is told as that repetition), or empty when it does not race.
     */
    public OptionalInt repetition() {
        return proposal.repetition() == null ? OptionalInt.empty() : OptionalInt.of(proposal.repetition());
    }

    /** The params so far: proposed ones and those suggested while running. */
    public Map<String, Object> params() {
        return Map.copyOf(params);
    }

    /** A declared param's value, or an exception naming the params this trial has. */
    public Object param(String name) {
        if (!params.containsKey(name)) {
            throw new IllegalArgumentException("trial " + id() + " has no param \"" + name + "\"; it has " + params.keySet());
        }
        return params.get(name);
    }

    public double floatParam(String name) {
        return ((Number) param(name)).doubleValue();
    }

    public int intParam(String name) {
        return ((Number) param(name)).intValue();
    }

    public String stringParam(String name) {
        return String.valueOf(param(name));
    }

    public double suggestFloat(String name, double low, double high) {
        return ((Number) suggest(name, new FloatParam(low, high, false, null, null))).doubleValue();
    }

    public double suggestFloat(String name, double low, double high, boolean log) {
        return ((Number) suggest(name, new FloatParam(low, high, log, null, null))).doubleValue();
    }

    public int suggestInt(String name, int low, int high) {
        return ((Number) suggest(name, new IntParam(low, high, false, null, null))).intValue();
    }

    public int suggestInt(String name, int low, int high, boolean log) {
        return ((Number) suggest(name, new IntParam(low, high, log, null, null))).intValue();
    }

    @SuppressWarnings("unchecked")
    public <T> T suggestCategorical(String name, List<T> choices) {
        return (T) suggest(name, new CategoricalParam(List.copyOf(choices), null));
    }

    private Object suggest(String name, Param param) {
        if (params.containsKey(name)) {
            return params.get(name);
        }
        Object value = client.suggest(id(), name, param);
        params.put(name, value);
        return value;
    }

    /**
     * Reports the objective metric's value at a step; returns true when the pruner asks the
     * trial to stop (then end it with {@code throw trial.pruned()}).
     */
    public boolean report(int step, double value) {
        return report(step, Map.of(metric, value));
    }

    /** Reports several metrics at a step; returns true when the pruner asks the trial to stop. */
    public boolean report(int step, Map<String, Double> values) {
        Decision d = client.report(id(), new ReportRequest(step, values, proposal.leaseId()));
        lastStep = step;
        lastValue = values.get(metric);
        pruneAsked = d == Decision.PRUNE;
        return pruneAsked;
    }

    /** Whether the last report was answered with PRUNE. */
    public boolean shouldPrune() {
        return pruneAsked;
    }

    /** The exception that ends a pruned trial; its last reported value is told as the result. */
    public TrialPrunedException pruned() {
        return new TrialPrunedException(id(), lastStep);
    }

    Double lastValue() {
        return lastValue;
    }

    /** Attaches a file to this trial under {@code name} (a plain file name, as "loss.png"), streamed; replaces one of that name. */
    public Artifact artifact(String name, Path file) {
        return Artifacts.of(client).upload(id(), proposal.leaseId(), name, file);
    }

    /** Attaches bytes to this trial under {@code name}; replaces one of that name. */
    public Artifact artifact(String name, byte[] content) {
        return Artifacts.of(client).upload(id(), proposal.leaseId(), name, content);
    }

    /**
     * Records one evaluation of this trial's configuration (a seed or a fold, numbered by
     * {@code id}) with its metric values. A trial with repetitions is told with them: its values
     * are then the repetitions' means, with their statistics, as a worker's trial is, and the
     * objective function's own return value is not used.
     */
    public void repetition(int id, Map<String, Double> values) {
        repetition(id, null, values);
    }

    /** A repetition with the seed it used. */
    public void repetition(int id, Long seed, Map<String, Double> values) {
        if (repetitions.stream().anyMatch(r -> r.index() == id)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "trial " + id() + " has a repetition " + id
                    + " already; number each repetition once");
        }
        if (values == null || values.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "repetition " + id + " needs at least one metric value, as {\"" + metric
                    + "\": 0.4}");
        }
        repetitions.add(new Repetition(id, seed, values));
    }

    /** Tags the trial (told with its result, shown on its page); a second tag of the same key replaces the first. */
    public void tag(String key, String value) {
        if (key == null || key.isBlank() || key.length() > 100 || value == null || value.length() > 1000) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a tag needs a key of 1 to 100 characters and a value of at most "
                    + "1000, as trial.tag(\"model\", \"ridge\")");
        }
        tags.put(key, value);
    }

    /** Adds a note to the trial (told with its result, shown on its page). */
    public void note(String text) {
        if (text == null || text.isBlank() || text.length() > 10_000) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a note needs 1 to 10000 characters of text");
        }
        notes.add(text);
    }

    List<Repetition> repetitions() {
        return List.copyOf(repetitions);
    }

    /** The captured provenance with the trial's tags and notes beside it. */
    Map<String, Object> provenance(Map<String, Object> captured) {
        var p = new LinkedHashMap<String, Object>(captured);
        if (!tags.isEmpty()) {
            p.put("tags", Map.copyOf(tags));
        }
        if (!notes.isEmpty()) {
            p.put("notes", List.copyOf(notes));
        }
        return p;
    }
}
