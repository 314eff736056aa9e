package io.tunelab.worker;

import io.tunelab.api.TunelabException;
import io.tunelab.client.WholeFile;
import io.tunelab.worker.data.DataRefusedException;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.UnusableDataException;
import io.tunelab.worker.train.Metrics;
import io.tunelab.worker.train.ModelBundle;
import io.tunelab.worker.tribuo.TribuoBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code predict --model FILE --csv FILE [--output FILE] [--sha256 HEX]}: applies an exported
 * model (DL4J network or Tribuo model, with its fitted preprocessing) to the rows of a CSV and
 * writes one prediction per row; when the CSV has the target column too, how well the model did
 * on the rows whose target it can score goes to standard error. Bad input is refused before
 * anything is written, in one line, exit 2; an {@code --output} file is written whole or not at all.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with an exported model (from GET /api/trials/{id}/model) of the dl4j or tribuo runner on "
                + "the rows of a CSV file.")
final class PredictCommand implements Callable<Integer> {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    /** The largest model a server stores ({@code --max-model-mb} is at most 1023). */
    static final long MAX_MODEL_BYTES = 1023L << 20;
    /** How many target values the refusal of unknown ones shows. */
    private static final int SHOWN = 5;

    @Option(names = "--model", required = true, description = "The model file.")
    Path model;

    @Option(names = "--csv", required = true, description = "A CSV with the columns the model was trained on.")
    Path csv;

    @Option(names = "--output", description = "Where to write the predictions (default: standard output); written whole or not at all.")
    Path output;

    @Option(names = "--sha256", paramLabel = "HEX", description = "The model's SHA-256 from its trial's provenance "
            + "(model_sha256); a model file with another digest is refused.")
    String sha256;

    @Override
    public Integer call() throws IOException {
        try {
            Path target = output == null ? null : WholeFile.target(output, "--output", "predictions.csv");
            if (sha256 != null && !SHA256.matcher(sha256.strip()).matches()) {
                return refuse("--sha256 \"" + sha256 + "\" is not a SHA-256: give the 64 hex digits of the trial's model_sha256");
            }
            if (!Files.isRegularFile(model)) {
                return refuse((Files.isDirectory(model) ? "--model " + model + " is a directory" : "no model file at "
                        + model.toAbsolutePath()) + "; give the file downloaded from GET /api/trials/{id}/model");
            }
            if (Files.isDirectory(csv)) {
                return refuse("--csv " + csv + " is a directory; give a CSV file with the columns the model was trained on");
            }
            String tooLarge = tooLarge(Files.size(model), Runtime.getRuntime().maxMemory());
            if (tooLarge != null) {
                return refuse(model + " " + tooLarge);
            }
            byte[] bytes = Files.readAllBytes(model);
            String digest = sha256 == null ? null : ModelDigest.sha256(bytes);
            if (digest != null && !sha256.strip().equalsIgnoreCase(digest)) {
                return refuse(model + " has SHA-256 " + digest + ", not the " + sha256.strip()
                        + " its trial recorded; it is not the model that trial stored");
            }
            RawTable table = DataSandbox.readNamed(csv, (long) DataSandbox.DEFAULT_MAX_MB << 20);
            ModelBundle.Meta meta;
            ModelBundle.Prediction prediction;
            if (TribuoBundle.isOne(bytes)) {
                TribuoBundle bundle = TribuoBundle.read(bytes);
                meta = bundle.meta();
                prediction = bundle.predict(table);
            } else {
                ModelBundle bundle = ModelBundle.read(bytes);
                meta = bundle.meta();
                prediction = bundle.predict(table);
            }
            if (target == null) {
                write(prediction, System.out);
                System.out.flush();
            } else {
                WholeFile.write(target, out -> write(prediction, out));
            }
            printScore(meta.encoding(), table, prediction);
            return 0;
        } catch (TunelabException | DataRefusedException | UnusableDataException e) {
            return refuse(e.getMessage());
        }
    }

    /**
     * Why a model file of {@code bytes} is not read by a JVM of {@code maxHeap}, or null when it is:
     * larger than any model a server stores, or than a third of the heap (the file, its unpacked
     * network and the network in use are held at once).
     */
    static String tooLarge(long bytes, long maxHeap) {
        if (bytes > MAX_MODEL_BYTES) {
            return "holds " + (bytes >> 20) + " MB, more than any model a Tunelab server stores (" + (MAX_MODEL_BYTES >> 20)
                    + " MB); give the file downloaded from GET /api/trials/{id}/model";
        }
        if (bytes > maxHeap / 3) {
            return "holds " + (bytes >> 20) + " MB, more than this JVM can load with its " + (maxHeap >> 20) + " MB heap; run "
                    + "with a larger one, as TUNELAB_JAVA_OPTS=-Xmx" + Math.max(1, (bytes * 4 >> 30) + 1) + "g ./tunelab predict …";
        }
        return null;
    }

    private static int refuse(String message) {
        System.err.println("error: " + message);
        return 2;
    }

    private static void write(ModelBundle.Prediction p, OutputStream stream) {
        var out = stream instanceof PrintStream print ? print : new PrintStream(stream, false, StandardCharsets.UTF_8);
        var header = new StringBuilder("prediction");
        if (p.probabilities() != null) {
            p.encoding().classes().forEach(c -> header.append(",p_").append(c));
        }
        out.println(header);
        for (int i = 0; i < p.size(); i++) {
            var line = new StringBuilder(p.label(i));
            if (p.probabilities() != null) {
                for (double v : p.probabilities()[i]) {
                    line.append(',').append(String.format(Locale.ROOT, "%.6f", v));
                }
            }
            out.println(line);
        }
        out.flush();
    }

    /**
     * When the CSV also has the target column, how well the model did on it (to standard error):
     * on the rows whose target is a class the model knows (classification) or a number
     * (regression). Rows it cannot score are counted and shown, never scored as wrong or silently
     * left out; with none to score, no figure is printed.
     */
    private static void printScore(Encoding encoding, RawTable table, ModelBundle.Prediction p) {
        int t = table.indexOf(encoding.target());
        if (t < 0) {
            return;
        }
        boolean classes = p.probabilities() != null;
        var truth = new ArrayList<Double>();
        var scored = new ArrayList<Integer>();
        var unknown = new ArrayList<String>();
        int missing = 0;
        for (int i = 0; i < table.rows().size(); i++) {
            String cell = table.rows().get(i)[t];
            if (RawTable.isMissing(cell)) {
                missing++;
                continue;
            }
            double y = classes ? encoding.classIndex(cell) : number(cell);
            if (classes ? y < 0 : Double.isNaN(y)) {
                unknown.add(cell.strip());
                continue;
            }
            truth.add(y);
            scored.add(i);
        }
        if (!unknown.isEmpty()) {
            List<String> distinct = unknown.stream().distinct().toList();
            List<String> shown = distinct.stream().limit(SHOWN).map(v -> "\"" + v + "\"").toList();
            System.err.println(unknown.size() + " row(s) not scored: their " + encoding.target() + " ("
                    + String.join(", ", shown) + (distinct.size() > SHOWN ? ", …" : "") + ") "
                    + (classes ? "is no class the model was trained on; its classes: " + String.join(", ", encoding.classes())
                    : "is not a number"));
        }
        if (truth.isEmpty()) {
            System.err.println("no row has a " + encoding.target() + " the model can be scored on"
                    + (missing > 0 ? " (" + missing + " left empty)" : ""));
            return;
        }
        double[] y = truth.stream().mapToDouble(Double::doubleValue).toArray();
        var metrics = classes
                ? Metrics.classification(scored.stream().map(i -> p.probabilities()[i]).toArray(double[][]::new), y)
                : Metrics.regression(scored.stream().mapToDouble(i -> p.values()[i]).toArray(), y);
        // Five significant digits, as the leaderboard shows its figures (not Java's 17).
        System.err.println("on the " + y.length + (y.length == 1 ? " row" : " rows") + " with a target: " + metrics.entrySet().stream()
                .map(m -> m.getKey() + " " + String.format(java.util.Locale.ROOT, "%.5g", m.getValue()))
                .collect(java.util.stream.Collectors.joining(", ")));
    }

    /** A regression target cell as a number, or NaN when it is not one. */
    private static double number(String cell) {
        try {
            double v = Double.parseDouble(cell.strip());
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
