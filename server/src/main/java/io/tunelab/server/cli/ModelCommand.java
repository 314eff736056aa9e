package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.Finalization;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.client.WholeFile;
import io.tunelab.server.experiment.ShellWord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tunelab model get}: an experiment's model from the command line, the one to hand over by default. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Downloads an experiment's model.",
        subcommands = {ModelCommand.Get.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Downloads the finalized refit model of an experiment "
            + "when it has one, else the model of its leaderboard's best trial; with --trial, that trial's own model.")
    static final class Get implements Callable<Integer> {
        @Parameters(index = "0", description = "the experiment's name or id")
        String name;
        @Option(names = "--trial", paramLabel = "ID", description = "the id of a trial of the experiment whose own model to download")
        Long trial;
        @Option(names = "--output", paramLabel = "FILE",
                description = "the file to write (default: NAME-refit.zip or NAME-trial-N.zip, here)")
        Path output;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() throws IOException {
            Reference.experiment(name);
            if (trial != null) {
                ArtifactCommand.checkTrial(trial);
            }
            if (output != null) {
                WholeFile.target(output, "--output", name + "-refit.zip");
            }
            try (TunelabClient client = server.connect()) {
                Experiment e = client.describe(name);
                Chosen chosen = trial != null ? ownModel(client, e, trial) : handedOver(client, e);
                Path target = WholeFile.target(output != null ? output : Path.of(chosen.fileName(e)), "--output", chosen.fileName(e));
                Downloaded[] got = new Downloaded[1];
                WholeFile.write(target, out -> got[0] = verified(out, chosen, e, client));
                System.out.println("wrote " + chosen.what(e) + " to " + target + ": " + got[0].bytes() + " bytes, sha256 " + got[0].sha256()
                        + (chosen.sha256() == null ? " (the server recorded no SHA-256 to check it against)" : " (as the server recorded it)"));
                if (chosen.note() != null) {
                    System.out.println(chosen.note());
                }
                return 0;
            }
        }

        /** What a download wrote: its size and SHA-256 (lower-case hex). */
        private record Downloaded(long bytes, String sha256) {
        }

        /** What to download: the refit model or a trial's own, the SHA-256 the server recorded for it, and a note on the choice. */
        private record Chosen(Trial trial, Finalization refit, String sha256, String note) {
            String fileName(Experiment e) {
                String base = e.name().replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[.-]", "_");
                return base + (refit != null ? "-refit.zip" : "-trial-" + trial.number() + ".zip");
            }

            String what(Experiment e) {
                return refit != null
                        ? "the refit model of trial #" + refit.number() + " of " + e.name() + " (its configuration retrained on every "
                        + "row outside the test split)"
                        : "the search model of trial #" + trial.number() + " (id " + trial.id() + ") of " + e.name();
            }
        }

        private static Chosen ownModel(TunelabClient client, Experiment e, long id) {
            Trial t;
            try {
                t = client.trial(id);
            } catch (TunelabException.NotFound ex) {
                throw TunelabException.of(ErrorCode.NOT_FOUND, "--trial " + id + ": there is no trial with that id; "
                        + "tunelab export " + ShellWord.of(e.name()) + " lists the ids of its trials");
            }
            if (t.experimentId() != e.id()) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--trial " + id + " is a trial of another experiment, not of "
                        + e.name() + "; tunelab export " + ShellWord.of(e.name()) + " lists the ids of its trials", Map.of("trial", id));
            }
            return new Chosen(t, null, recorded(t), null);
        }

        /** The refit model of a finalization that has one, else the leaderboard's best trial's own model. */
        private static Chosen handedOver(TunelabClient client, Experiment e) {
            Finalization f = null;
            try {
                f = client.finalization(e.name());
            } catch (TunelabException.NotFound ex) {
                // No finalization (or none can be recorded yet): the search's best model is the one to hand over.
            }
            if (f != null && f.modelSha256() != null) {
                return new Chosen(null, f, f.modelSha256(), null);
            }
            List<Trial> best = client.leaderboard(e.name(), 1);
            if (best.isEmpty()) {
                throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment " + e.name() + " has no complete trial yet, so no "
                        + "model to download; wait for a trial to complete (tunelab leaderboard " + ShellWord.of(e.name()) + ")");
            }
            Trial t = best.getFirst();
            String note = f == null ? null : "the finalization of trial #" + f.number() + " is " + f.state()
                    + " and has no refit model yet; this is the model the search trained";
            return new Chosen(t, null, recorded(t), note);
        }

        private static String recorded(Trial t) {
            Object sha = t.provenance().get("model_sha256");
            return sha == null ? null : sha.toString();
        }

        /**
         * Downloads the chosen model to {@code out} and answers its size and SHA-256; refuses it (so nothing
         * is written) when its SHA-256 or size is not what the server recorded, as when a new
         * refit replaced it during the download.
         */
        private static Downloaded verified(OutputStream out, Chosen chosen, Experiment e, TunelabClient client) throws IOException {
            MessageDigest digest = sha256();
            long[] count = new long[1];
            OutputStream through = new DigestOutputStream(out, digest) {
                @Override
                public void write(int b) throws IOException {
                    super.write(b);
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, len);
                    count[0] += len;
                }
            };
            if (chosen.refit() != null) {
                client.downloadFinalizationModel(e.name(), through);
            } else {
                client.downloadModel(chosen.trial().id(), through);
            }
            through.flush();
            String got = HexFormat.of().formatHex(digest.digest());
            Long bytes = chosen.refit() != null ? chosen.refit().modelBytes() : null;
            if (chosen.sha256() != null && !chosen.sha256().equals(got) || bytes != null && bytes != count[0]) {
                throw TunelabException.of(ErrorCode.INVALID_STATE, "the downloaded model (" + count[0] + " bytes, sha256 " + got
                        + ") is not the one the server recorded (" + (bytes == null ? "" : bytes + " bytes, ") + "sha256 "
                        + chosen.sha256() + "); it may have been replaced meanwhile: nothing was written, run the command again");
            }
            return new Downloaded(count[0], got);
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no SHA-256", e);
            }
        }
    }
}
