package io.tunelab.worker.tribuo;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.Preprocessor;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.TaskType;
import io.tunelab.worker.train.ModelBundle;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A model of the tribuo runner with everything needed to predict on raw rows: the same
 * {@code bundle.json} as a DL4J model file (encoding, fitted preprocessing, target scaling,
 * task; its {@code network} is {@code tribuo}) beside {@code model.tribuo}, the model in
 * Tribuo's protobuf format. Immutable; predicting is thread-safe.
 */
public record TribuoBundle(ModelBundle.Meta meta, Model<?> model) {
    static final int FORMAT = 1;
    static final String KIND = "tribuo";
    private static final String ENTRY = "model.tribuo";

    /** Fits a model on preprocessed rows {@code x} with targets {@code y} (class indexes, or values). */
    static TribuoBundle fit(TribuoModelSpec spec, Encoding encoding, Preprocessor preprocessor, double[][] x, double[] y,
                            long seed, Map<String, Object> task) {
        String[] names = featureNames(x.length == 0 ? 0 : x[0].length);
        if (encoding.type() == TaskType.CLASSIFICATION) {
            var factory = new LabelFactory();
            var examples = new ArrayList<Example<Label>>(x.length);
            for (int i = 0; i < x.length; i++) {
                examples.add(new ArrayExample<>(new Label(Integer.toString((int) y[i])), names, x[i]));
            }
            Model<Label> model = spec.classificationTrainer(seed).train(dataset(examples, factory));
            return new TribuoBundle(meta(encoding, preprocessor, 0, 1, task), model);
        }
        double center = Arrays.stream(y).average().orElse(0);
        double variance = Arrays.stream(y).map(v -> (v - center) * (v - center)).sum() / Math.max(1, y.length - 1);
        // A standardised target suits linear SGD at any scale; trees do not mind it.
        double scale = variance > 1e-24 ? Math.sqrt(variance) : 1;
        var factory = new RegressionFactory();
        var examples = new ArrayList<Example<Regressor>>(x.length);
        for (int i = 0; i < x.length; i++) {
            examples.add(new ArrayExample<>(new Regressor("target", (y[i] - center) / scale), names, x[i]));
        }
        Model<Regressor> model = spec.regressionTrainer(seed).train(dataset(examples, factory));
        return new TribuoBundle(meta(encoding, preprocessor, center, scale, task), model);
    }

    private static <T extends Output<T>> MutableDataset<T> dataset(java.util.List<Example<T>> examples, OutputFactory<T> factory) {
        return new MutableDataset<>(new ListDataSource<>(examples, factory, new SimpleDataSourceProvenance("tunelab", factory)));
    }

    private static ModelBundle.Meta meta(Encoding encoding, Preprocessor preprocessor, double center, double scale,
                                         Map<String, Object> task) {
        return new ModelBundle.Meta(FORMAT, KIND, encoding, preprocessor, center, scale, task, Map.of());
    }

    private static String[] featureNames(int width) {
        String[] names = new String[width];
        for (int i = 0; i < width; i++) {
            names[i] = String.format("x%05d", i);
        }
        return names;
    }

    /** Predictions for rows of a table that has the training feature columns. */
    public ModelBundle.Prediction predict(RawTable table) {
        return predict(meta.encoding().encodeFeatures(table));
    }

    /** Predictions for encoded rows (before the preprocessing, which this applies). */
    @SuppressWarnings("unchecked")
    ModelBundle.Prediction predict(double[][] encoded) {
        double[][] x = meta.preprocessor().transform(encoded);
        String[] names = featureNames(x.length == 0 ? 0 : x[0].length);
        if (meta.encoding().type() == TaskType.CLASSIFICATION) {
            var classifier = (Model<Label>) model;
            int classes = meta.encoding().classes().size();
            double[][] probabilities = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                probabilities[i] = probabilities(classifier.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, x[i])),
                        classes);
            }
            return new ModelBundle.Prediction(meta.encoding(), probabilities, null);
        }
        var regressor = (Model<Regressor>) model;
        double[] values = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = regressor.predict(new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, names, x[i])).getOutput()
                    .getValues()[0];
            values[i] = v * meta.targetScale() + meta.targetCenter();
        }
        return new ModelBundle.Prediction(meta.encoding(), null, values);
    }

    /** The class probabilities of a prediction, summing to 1 (one-hot when the model gives no scores). */
    private static double[] probabilities(Prediction<Label> p, int classes) {
        double[] out = new double[classes];
        double sum = 0;
        for (Map.Entry<String, Label> e : p.getOutputScores().entrySet()) {
            int c = Integer.parseInt(e.getKey());
            double score = e.getValue().getScore();
            out[c] = Double.isFinite(score) && score > 0 ? score : 0;
            sum += out[c];
        }
        if (!(sum > 0)) {
            Arrays.fill(out, 0);
            out[Integer.parseInt(p.getOutput().getLabel())] = 1;
            return out;
        }
        for (int c = 0; c < classes; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /** The bundle as the bytes of one zip file. */
    public byte[] write() {
        return ModelBundle.zip(meta, ENTRY, model::serializeToStream);
    }

    /** Whether model file bytes hold a Tribuo model (else they may be a DL4J one). */
    public static boolean isOne(byte[] bytes) {
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(ENTRY)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads a bundle written by {@link #write()}. */
    public static TribuoBundle read(byte[] bytes) {
        ModelBundle.Meta meta = null;
        Model<?> model = null;
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                switch (e.getName()) {
                    case "bundle.json" -> meta = Json.mapper().readValue(zip.readAllBytes(), ModelBundle.Meta.class);
                    case ENTRY -> model = Model.deserializeFromStream(new ByteArrayInputStream(zip.readAllBytes()));
                    default -> {
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab model file of the tribuo runner: " + e.getMessage());
        }
        if (meta == null || model == null) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "not a Tunelab model file of the tribuo runner: it lacks "
                    + (meta == null ? "bundle.json" : ENTRY));
        }
        if (meta.format() != FORMAT || !KIND.equals(meta.network())) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "model format " + meta.format() + " (" + meta.network()
                    + ") is not supported; this worker reads tribuo format " + FORMAT);
        }
        return new TribuoBundle(meta, model);
    }
}
