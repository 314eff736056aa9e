package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.SpecChecks;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.StoredExperiment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How people keep their experiments in order: rename, tag, annotate and archive one
 * ({@link #update}), delete one with everything of it ({@link #delete}), and start a new one
 * from another's spec ({@link #copy}). None changes how an experiment searches. Every change
 * records the token that made it as the experiment's {@code updatedBy} (the new experiment's
 * {@code createdBy} for a copy). Thread-safe; every method may block.
 */
public final class ExperimentCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentCatalog.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final ExperimentService experiments;
    private final TrialImports imports;
    private final StorageClock clock;

    ExperimentCatalog(ExperimentRegistry registry, Journal journal, ExperimentService experiments, TrialImports imports,
                      StorageClock clock) {
        this.registry = registry;
        this.journal = journal;
        this.experiments = experiments;
        this.imports = imports;
        this.clock = clock;
    }

    /** Applies each field the patch sets; an empty patch is refused. */
    public Experiment update(String ref, ExperimentPatch patch, String by) {
        if (patch == null || patch.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the patch changes nothing; give one or more of name, tags, "
                    + "addTags, removeTags, notes or archived, as {\"archived\": true}");
        }
        LiveExperiment e = registry.find(ref);
        patched(e.labels(), patch); // refuses bad tags or notes before anything is locked
        if (patch.name() != null && !patch.name().equals(e.name())) {
            SpecChecks.newName(patch.name());
            e.row().withName(patch.name(), clock.instant()); // validates the name before anything is locked
            registry.rename(e, patch.name(), () -> record(e, patch, by));
        } else {
            record(e, patch, by);
        }
        LOG.info("experiment {} ({}) updated by token {}", LogText.of(e.name()), e.id(), LogText.of(by));
        return e.experiment();
    }

    private void record(LiveExperiment e, ExperimentPatch patch, String by) {
        journal.record(e, x -> {
            StoredExperiment row = x.row();
            if (patch.name() != null && !patch.name().equals(row.name())) {
                row = row.withName(patch.name(), clock.instant());
            }
            // Planned from the labels as they are now, so concurrent patches both land.
            return Journal.Entry.none().experiment(row.by(by)).labels(x.id(), patched(x.labels(), patch)).answering(null);
        });
    }

    private static ExperimentLabels patched(ExperimentLabels labels, ExperimentPatch patch) {
        if (patch.removeTags() != null) {
            // A tag both given and taken away in one patch says two things; which was meant is not for the server to guess.
            for (String removed : patch.removeTags()) {
                if (patch.addTags() != null && patch.addTags().contains(removed) || patch.tags() != null && patch.tags().contains(removed)) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "tag \"" + LogText.of(removed) + "\" is both "
                            + (patch.tags() != null && patch.tags().contains(removed) ? "in tags" : "added") + " and removed by this "
                            + "patch; send it in one of them");
                }
            }
        }
        List<String> tags = new ArrayList<>(patch.tags() != null ? patch.tags() : labels.tags());
        if (patch.addTags() != null) {
            patch.addTags().forEach(ExperimentLabels::checkTag);
            tags.addAll(patch.addTags());
        }
        if (patch.removeTags() != null) {
            tags.removeAll(patch.removeTags());
        }
        var next = labels.withTags(tags);
        if (patch.notes() != null) {
            next = next.withNotes(patch.notes().isEmpty() ? null : patch.notes());
        }
        return patch.archived() != null ? next.withArchived(patch.archived()) : next;
    }

    /**
     * Deletes a PAUSED, STOPPED or COMPLETED experiment with its trials, reports, models,
     * artifacts and finalization; a RUNNING one is refused (pause or stop it first, so no worker
     * is mid-trial on it).
     */
    public void delete(String ref, String by) {
        LiveExperiment e = registry.find(ref);
        journal.record(e, x -> {
            if (x.row().state() == ExperimentState.RUNNING) {
                throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + x.name() + "\" is RUNNING; stop or pause it "
                        + "first (tunelab experiment stop " + ShellWord.of(x.name()) + ", POST /api/experiments/" + x.name()
                        + "/stop, or Stop on its page), then delete it", Map.of("experiment", x.name()));
            }
            return Journal.Entry.none().deleting(x.id()).answering(null);
        });
        registry.remove(e);
        journal.deleted(e);
        LOG.info("experiment {} ({}) deleted by token {}", LogText.of(e.name()), e.id(), LogText.of(by));
    }

    /**
     * A new experiment named {@code name} with the spec of {@code ref} (the same space,
     * objectives, strategy, budget and seed) and its tags and notes; none of its trials but
     * those its warm start copied, copied again as they are there (outside the budget as there),
     * so the clone starts as {@code ref} did.
     */
    public Experiment copy(String ref, String name, String by) {
        if (name == null || name.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a clone needs a name for the new experiment, as {\"name\": \"lr-sweep-2\"}");
        }
        LiveExperiment source = registry.find(ref);
        Experiment created = experiments.create(source.row().spec().withName(name), by, imports.warmStartOf(source));
        ExperimentLabels labels = source.labels();
        if (!labels.tags().isEmpty() || labels.notes() != null) {
            LiveExperiment copy = registry.find(Long.toString(created.id()));
            journal.record(copy, x -> Journal.Entry.none().labels(x.id(), labels.withArchived(false)).answering(null));
            return copy.experiment();
        }
        return created;
    }
}
