package io.tunelab.worker.train;

import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.api.ErrorCode;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.Preprocessor;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.TaskType;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * An exported model: the trained network together with everything needed to predict on raw
 * rows — the encoding of the CSV columns, the fitted preprocessing, and for regression the
 * target scaling — plus the task and provenance it came from. One zip file with two entries,
 * {@code bundle.json} and {@code network.bin} (DL4J's ModelSerializer format).
 */
public record ModelBundle(Meta meta, Network network) {
    static final int FORMAT = 1;

    /** The JSON half of the bundle. */
    public record Meta(int format, String network, Encoding encoding, Preprocessor preprocessor, double targetCenter,
                       double targetScale, Map<String, Object> task, Map<String, Object> provenance) {
    }

    /** The bundle as the bytes of one zip file. */
    public byte[] write() {
        return zip(meta, "network.bin", out -> {
            var net = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network.model(), net, false);
            out.write(net.toByteArray());
        });
    }

    /** Writes a model's bytes to a stream. */
    public interface ModelWriter {
        void write(OutputStream out) throws IOException;
    }

    /** A model file of any runner: {@code bundle.json} (the meta) and one entry holding the model itself. */
    public static byte[] zip(Meta meta, String entry, ModelWriter model) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("bundle.json"));
                zip.write(Json.writeBytes(meta));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(entry));
                model.write(zip);
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("could not write the model: " + e.getMessage(), e);
        }
    }

    /** Reads a bundle written by {@link #write()}. */
    public static ModelBundle read(byte[] bytes) {
        Meta meta = null;
        byte[] net = null;
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                switch (e.getName()) {
                    case "bundle.json" -> meta = Json.mapper().readValue(zip.readAllBytes(), Meta.class);
                    case "network.bin" -> net = zip.readAllBytes();
                    default -> {
                    }
                }
            }
            if (meta == null || net == null) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab model file: it lacks "
                        + (meta == null ? "bundle.json" : "network.bin"));
            }
            if (meta.format() != FORMAT) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "model format " + meta.format() + " is not supported; this worker reads format " + FORMAT);
            }
            Network network = meta.network().equals("graph")
                    ? new Network.Graph(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(net), false))
                    : new Network.Layers(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(net), false));
            return new ModelBundle(meta, network);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab model file: " + e.getMessage());
        }
    }

    static String kind(Network network) {
        return network instanceof Network.Graph ? "graph" : "layers";
    }

    /** Predictions for the rows of a table that has the training feature columns. */
    public Prediction predict(RawTable table) {
        double[][] x = meta.preprocessor().transform(meta.encoding().encodeFeatures(table));
        INDArray out = network.output(Nd4j.create(x).castTo(DataType.FLOAT)).castTo(DataType.DOUBLE);
        double[][] o = out.toDoubleMatrix();
        if (meta.encoding().type() == TaskType.CLASSIFICATION) {
            return new Prediction(meta.encoding(), o, null);
        }
        double[] values = new double[o.length];
        for (int i = 0; i < o.length; i++) {
            values[i] = o[i][0] * meta.targetScale() + meta.targetCenter();
        }
        return new Prediction(meta.encoding(), null, values);
    }

    /** Class probabilities (classification) or values (regression), one per row. */
    public record Prediction(Encoding encoding, double[][] probabilities, double[] values) {
        /** The predicted class label or value of a row, as text. */
        public String label(int row) {
            return probabilities != null ? encoding.classes().get(Metrics.argmax(probabilities[row]))
                    : Double.toString(values[row]);
        }

        public int size() {
            return probabilities != null ? probabilities.length : values.length;
        }
    }
}
