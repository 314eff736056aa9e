package io.tunelab.worker.train;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A population-based training member's checkpoint ({@code checkpoint.zip}): its network in
 * DL4J's ModelSerializer format with the updater state ({@code network.bin}), its kind, and the
 * hyperparameter schedule its lineage ran ({@code schedule.json}: one entry per generation with
 * its epochs and params).
 *
 * <p>A child continues from it by {@link #restoreInto}: its own network is built from its own
 * (perturbed) configuration and takes the parent's weights and, when the updater has the same
 * shape, the updater state (Adam's moments, momentum). So learning rate, L2, dropout and
 * momentum change in place, and the updater's iteration count goes on from the parent's; the layer sizes, the layer count, the activation and the inputs
 * (preprocessing that changes the feature count) cannot, and a child whose network has another
 * number of weights fails with a message saying so.
 */
public record Checkpoint(Network network, List<Map<String, Object>> schedule) {
    public Checkpoint {
        schedule = List.copyOf(schedule);
    }

    /** The network's weights, as one flat array. */
    public INDArray weights() {
        return network.params();
    }

    /** The checkpoint's bytes. */
    public byte[] write() {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("kind"));
                zip.write(ModelBundle.kind(network).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("schedule.json"));
                zip.write(Json.writeBytes(schedule));
                zip.closeEntry();
                var net = new ByteArrayOutputStream();
                ModelSerializer.writeModel(network.model(), net, true);
                zip.putNextEntry(new ZipEntry("network.bin"));
                zip.write(net.toByteArray());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("could not write the checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint written by {@link #write()}. */
    public static Checkpoint read(byte[] bytes) {
        String kind = null;
        byte[] net = null;
        List<Map<String, Object>> schedule = null;
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                switch (e.getName()) {
                    case "kind" -> kind = new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    case "network.bin" -> net = zip.readAllBytes();
                    case "schedule.json" -> schedule = Json.mapper().readValue(zip.readAllBytes(),
                            new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { });
                    default -> {
                    }
                }
            }
            if (kind == null || net == null || schedule == null) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab checkpoint: it needs the entries kind, "
                        + "schedule.json and network.bin");
            }
            Network network = kind.equals("graph")
                    ? new Network.Graph(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(net), true))
                    : new Network.Layers(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(net), true));
            return new Checkpoint(network, schedule);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab checkpoint: " + e.getMessage());
        }
    }

    /** Gives {@code target} this checkpoint's weights, and its updater state when the updaters match. */
    void restoreInto(Network target) {
        INDArray weights = network.params();
        long expected = target.params().length();
        if (weights.length() != expected || !ModelBundle.kind(network).equals(ModelBundle.kind(target))) {
            throw TunelabException.invalidSpec("the parent's checkpoint has a " + ModelBundle.kind(network) + " network of "
                    + weights.length() + " weights, this configuration builds a " + ModelBundle.kind(target) + " network of "
                    + expected + "; population-based training can change learning rate, L2, dropout and momentum, not the "
                    + "model's shape or inputs: keep model and preprocessing params out of a pbt space");
        }
        target.setParams(weights.dup());
        INDArray from = updaterState(network);
        INDArray to = updaterState(target);
        if (from != null && to != null && from.length() == to.length()) {
            to.assign(from);
            // Adam's bias correction counts from the first iteration: restored moments with a count
            // of 0 would shrink every step of the continuation to about a third.
            setCounts(target, iterations(), network.model() instanceof MultiLayerNetwork m ? m.getEpochCount()
                    : ((ComputationGraph) network.model()).getEpochCount());
        }
    }

    /** The optimisation steps the checkpoint's network took along its lineage. */
    public int iterations() {
        return switch (network) {
            case Network.Layers l -> l.model().getIterationCount();
            case Network.Graph g -> g.model().getIterationCount();
        };
    }

    private static void setCounts(Network net, int iterations, int epochs) {
        switch (net) {
            case Network.Layers l -> {
                l.model().setIterationCount(iterations);
                l.model().setEpochCount(epochs);
            }
            case Network.Graph g -> {
                g.model().getConfiguration().setIterationCount(iterations);
                g.model().getConfiguration().setEpochCount(epochs);
            }
        }
    }

    private static INDArray updaterState(Network net) {
        return switch (net) {
            case Network.Layers l -> updaterState(l.model());
            case Network.Graph g -> g.model().getUpdater() == null ? null : g.model().getUpdater().getStateViewArray();
        };
    }

    private static INDArray updaterState(MultiLayerNetwork model) {
        return model.getUpdater() == null ? null : model.getUpdater().getStateViewArray();
    }
}
