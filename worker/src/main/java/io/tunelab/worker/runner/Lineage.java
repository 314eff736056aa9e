package io.tunelab.worker.runner;

import io.tunelab.api.SearchSpace;
import io.tunelab.api.TunelabException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a trial of population-based training stands in its population, as the {@code pbt}
 * strategy writes it into the trial's params under the reserved {@code pbt.} keys: the trial
 * whose checkpoint it continues from ({@code pbt.parent}; null when it starts afresh), its
 * generation and member, the epochs already trained along its lineage ({@code pbt.start_epoch})
 * and the epochs it trains itself ({@code pbt.epochs}).
 */
public record Lineage(Long parent, int generation, int member, int startEpoch, int epochs) {
    /** The artifact every member uploads and every child downloads from its parent. */
    public static final String CHECKPOINT = "checkpoint.zip";

    public Lineage {
        if (generation < 0 || member < 0 || startEpoch < 0 || epochs < 1) {
            throw TunelabException.invalidSpec("pbt lineage must have generation, member and start_epoch of 0 or more and "
                    + "epochs of 1 or more, got generation " + generation + ", member " + member + ", start_epoch " + startEpoch
                    + ", epochs " + epochs);
        }
    }

    /** The lineage in a trial's params, or null when they have no {@code pbt.} keys. */
    public static Lineage of(Map<String, Object> params) {
        if (params == null || params.keySet().stream().noneMatch(k -> k.startsWith(SearchSpace.RESERVED))) {
            return null;
        }
        Object parent = params.get(SearchSpace.RESERVED + "parent");
        return new Lineage(parent == null ? null : (long) whole(params, "parent"), whole(params, "generation"),
                whole(params, "member"), whole(params, "start_epoch"), whole(params, "epochs"));
    }

    private static int whole(Map<String, Object> params, String key) {
        Object v = params.get(SearchSpace.RESERVED + key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return (int) n.longValue();
        }
        throw TunelabException.invalidSpec("param \"" + SearchSpace.RESERVED + key + "\" must be a whole number, got " + v);
    }

    /** The params without the lineage keys: the hyperparameters the task reads. */
    public static Map<String, Object> strip(Map<String, Object> params) {
        var out = new LinkedHashMap<String, Object>();
        if (params != null) {
            params.forEach((k, v) -> {
                if (!k.startsWith(SearchSpace.RESERVED)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** The lineage as the trial's provenance records it. */
    public Map<String, Object> describe() {
        var out = new LinkedHashMap<String, Object>();
        if (parent != null) {
            out.put("parent", parent);
        }
        out.put("generation", generation);
        out.put("member", member);
        out.put("start_epoch", startEpoch);
        return out;
    }
}
