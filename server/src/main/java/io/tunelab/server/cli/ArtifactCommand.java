package io.tunelab.server.cli;

import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;
import io.tunelab.client.WholeFile;
import io.tunelab.server.experiment.LeaseIds;
import io.tunelab.server.experiment.LogText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tunelab artifacts list|get|put}: a trial's files from the command line. */
@Command(name = "artifacts", mixinStandardHelpOptions = true, description = "Lists, downloads or attaches a trial's artifacts.",
        subcommands = {ArtifactCommand.ListArtifacts.class, ArtifactCommand.Get.class, ArtifactCommand.Put.class})
final class ArtifactCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    /** Refuses a trial id no trial can have (ids start at 1) before any request. */
    static void checkTrial(long trial) {
        if (trial < 1) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "trial id " + trial + " names no trial; trial ids are whole "
                    + "numbers from 1, as a trial's page in the web UI shows");
        }
    }

    /** Refuses a {@code --lease} that is empty or cannot be a lease id, before any request. */
    static void checkLease(String lease) {
        if (lease == null || LeaseIds.hasForm(lease)) {
            return;
        }
        String what = lease.isBlank() ? "--lease is empty" : "--lease \"" + LogText.of(lease) + "\" is not a lease id";
        throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + "; give the leaseId the trial's lease answered, a UUID such as "
                + LeaseIds.EXAMPLE + ", or leave --lease out to attach with a write token");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a trial's artifacts: name, bytes, SHA-256, stored, by.")
    static final class ListArtifacts implements Callable<Integer> {
        @Parameters(index = "0", description = "the trial's id")
        long trial;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            checkTrial(trial);
            try (TunelabClient client = server.connect()) {
                List<Artifact> artifacts = Artifacts.of(client).list(trial);
                if (artifacts.isEmpty()) {
                    System.out.println("trial " + trial + " has no artifacts");
                }
                for (Artifact a : artifacts) {
                    System.out.printf("%-40s %12d  %s  %s  %s%n", a.name(), a.size(), a.sha256(), a.created(),
                            a.createdBy() == null ? "" : a.createdBy());
                }
                return 0;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Downloads an artifact to a file (default: its name, here).")
    static final class Get implements Callable<Integer> {
        @Parameters(index = "0", description = "the trial's id")
        long trial;
        @Parameters(index = "1", description = "the artifact's name")
        String name;
        @Option(names = "--output", paramLabel = "FILE", description = "the file to write (default: the artifact's name)")
        Path output;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() throws IOException {
            Artifact.checkName(name);
            checkTrial(trial);
            Path target = WholeFile.target(output == null ? Path.of(name) : output, "--output", name);
            try (TunelabClient client = server.connect()) {
                WholeFile.write(target, out -> Artifacts.of(client).download(trial, name, out));
                System.out.println("wrote " + name + " of trial " + trial + " to " + target);
                return 0;
            }
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Attaches a file to a trial that is not finished (a worker token names the trial's lease with --lease).")
    static final class Put implements Callable<Integer> {
        @Parameters(index = "0", description = "the trial's id")
        long trial;
        @Parameters(index = "1", description = "the file to attach")
        Path file;
        @Option(names = "--name", description = "the artifact's name (default: the file's name)")
        String name;
        @Option(names = "--lease", paramLabel = "ID", description = "the trial's lease id, when the caller holds it")
        String lease;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            String artifactName = name != null ? name : file.getFileName().toString();
            Artifact.checkName(artifactName);
            checkTrial(trial);
            checkLease(lease);
            try (TunelabClient client = server.connect()) {
                Artifact a = Artifacts.of(client).upload(trial, lease, artifactName, file);
                System.out.println("attached " + a.name() + " (" + a.size() + " bytes, sha256 " + a.sha256() + ") to trial " + trial);
                return 0;
            }
        }
    }
}
