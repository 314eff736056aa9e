package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Catalog;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

/**
 * {@code tunelab experiment pause|stop|rename|tag|untag|notes|archive|unarchive|delete|clone}:
 * keeping experiments in order from the command line, each a single request made with the
 * caller's token (which the server records as the change's author).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Pauses, stops, renames, tags, annotates, archives, deletes or clones one experiment.",
        subcommands = {ExperimentCommand.Pause.class, ExperimentCommand.Stop.class, ExperimentCommand.Rename.class, ExperimentCommand.Tag.class, ExperimentCommand.Untag.class,
                ExperimentCommand.Notes.class, ExperimentCommand.Archive.class, ExperimentCommand.Unarchive.class,
                ExperimentCommand.Delete.class, ExperimentCommand.Clone.class})
final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    /** A subcommand that changes one experiment with a patch and prints the result. */
    abstract static class Change implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String ref;
        @CommandLine.Mixin
        ServerOption server;

        abstract ExperimentPatch patch();

        @Override
        public Integer call() {
            Reference.experiment(ref);
            ExperimentPatch patch = patch();
            try (TunelabClient client = server.connect()) {
                Experiment e = Catalog.of(client).update(ref, patch);
                var labels = e.summary().labels();
                System.out.println(e.name() + " (id " + e.id() + ")" + (labels.archived() ? " archived" : "")
                        + (labels.tags().isEmpty() ? "" : "  tags: " + String.join(", ", labels.tags()))
                        + (labels.notes() == null ? "" : "  notes: " + labels.notes().lines().findFirst().orElse("")));
                return 0;
            }
        }
    }

    /** A subcommand that moves one experiment to another state, as the web UI's buttons do. */
    abstract static class StateChange implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String ref;
        @CommandLine.Mixin
        ServerOption server;
        private final BiFunction<TunelabClient, String, Experiment> change;
        private final String after;

        StateChange(BiFunction<TunelabClient, String, Experiment> change, String after) {
            this.change = change;
            this.after = after;
        }

        @Override
        public Integer call() {
            Reference.experiment(ref);
            try (TunelabClient client = server.connect()) {
                Experiment e = change.apply(client, ref);
                System.out.println(e.name() + " (id " + e.id() + ") is " + e.state() + ": " + after + e.name());
                return 0;
            }
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pauses a running experiment: no new trial is handed out until it is resumed; running trials finish.")
    static final class Pause extends StateChange {
        Pause() {
            super(TunelabClient::pause, "no new trials are handed out; running ones finish; go on with tunelab sweep resume ");
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops an experiment: no new trial is handed out and its queue is closed; resume starts it again.")
    static final class Stop extends StateChange {
        Stop() {
            super(TunelabClient::stop, "no new trials are handed out; running ones finish; start it again with tunelab sweep resume ");
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Gives the experiment a new name (its id stays).")
    static final class Rename extends Change {
        @Parameters(index = "1", description = "the new name")
        String name;

        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.rename(name);
        }
    }

    @Command(name = "tag", mixinStandardHelpOptions = true, description = "Adds tags (letters, digits, . _ : / -) to the experiment.")
    static final class Tag extends Change {
        @Parameters(index = "1..*", arity = "1..*", description = "the tags to add")
        List<String> tags;

        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.tagging(tags, null);
        }
    }

    @Command(name = "untag", mixinStandardHelpOptions = true, description = "Removes tags from the experiment.")
    static final class Untag extends Change {
        @Parameters(index = "1..*", arity = "1..*", description = "the tags to remove")
        List<String> tags;

        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.tagging(null, tags);
        }
    }

    @Command(name = "notes", mixinStandardHelpOptions = true, description = "Replaces the experiment's notes (\"\" clears them).")
    static final class Notes extends Change {
        @Parameters(index = "1", description = "the notes' text")
        String text;

        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.notes(text);
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true, description = "Hides the experiment from the experiments page and list.")
    static final class Archive extends Change {
        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.archive(true);
        }
    }

    @Command(name = "unarchive", mixinStandardHelpOptions = true, description = "Shows an archived experiment again.")
    static final class Unarchive extends Change {
        @Override
        ExperimentPatch patch() {
            return ExperimentPatch.archive(false);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a paused, stopped or completed experiment with its trials, reports, models and artifacts.")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String ref;
        @Option(names = "--yes", description = "confirms the delete, which cannot be undone")
        boolean yes;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            if (!yes) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "deleting \"" + ref + "\" removes its trials, models and artifacts "
                        + "for good; run again with --yes to confirm");
            }
            Reference.experiment(ref);
            try (TunelabClient client = server.connect()) {
                Catalog.of(client).delete(ref);
                System.out.println("deleted " + ref);
                return 0;
            }
        }
    }

    @Command(name = "clone", mixinStandardHelpOptions = true,
            description = "Starts a new experiment with this one's spec, tags and notes, and none of its trials.")
    static final class Clone implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String ref;
        @Parameters(index = "1", description = "the new experiment's name")
        String name;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            Reference.experiment(ref);
            try (TunelabClient client = server.connect()) {
                Experiment e = Catalog.of(client).copy(ref, name);
                System.out.println("cloned " + ref + " as " + e.name() + " (id " + e.id() + ")");
                return 0;
            }
        }
    }
}
