package io.tunelab.worker.train;

import io.tunelab.api.Options;
import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.PreprocessingSpec;
import io.tunelab.worker.data.Preprocessor;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.TaskType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/**
 * Trains an MLP on standardised digits through the same network and minibatch path as a
 * trial, for a fixed time, and counts samples — what the training benchmark measures.
 */
public final class ThroughputProbe {
    private final Network net;
    private final INDArray x;
    private final INDArray y;
    private final int batchSize;
    private final long parameters;
    private int next;

    private ThroughputProbe(Network net, INDArray x, INDArray y, int batchSize) {
        this.net = net;
        this.x = x;
        this.y = y;
        this.batchSize = batchSize;
        this.parameters = net.params().length();
    }

    /** An MLP of {@code layers} × {@code units} with Adam on all 1797 digits. */
    public static ThroughputProbe digits(int layers, int units, int batchSize, long seed) {
        RawTable table = new DatasetSource.Bundled("digits").read();
        var data = Encoding.fit(table, "target", TaskType.CLASSIFICATION).encode(table);
        var spec = new PreprocessingSpec("none", "none", "standard", "none", 0);
        double[][] features = Preprocessor.fit(spec, data.x()).preprocessor().transform(data.x());
        double[][] labels = new double[data.rows()][data.classes()];
        for (int i = 0; i < labels.length; i++) {
            labels[i][(int) data.y()[i]] = 1;
        }
        var model = ModelSpec.parse(Options.of("model", Map.of("layers", layers, "units", units)));
        var training = TrainingSpec.parse(Options.of("training", Map.of()));
        Network net = Networks.build(model, training, data.width(), data.classes(), true, seed, 1);
        return new ThroughputProbe(net, Nd4j.create(features).castTo(DataType.FLOAT), Nd4j.create(labels).castTo(DataType.FLOAT),
                batchSize);
    }

    public long parameters() {
        return parameters;
    }

    /** About 6 floating-point operations per weight and sample: 2 forward, 4 backward. */
    public double flopsPerSample() {
        return 6.0 * parameters;
    }

    /** Samples per second over about {@code seconds} of training, after one warm-up epoch. */
    public double samplesPerSecond(double seconds) {
        epoch();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long samples = 0;
        while (System.nanoTime() < end) {
            samples += epoch();
        }
        return samples / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Trains the next minibatch (cycling through the rows) and answers how many samples it held:
     * for callers that count samples in a window of their own, such as several slots measured
     * over one common window. Not thread-safe: one probe per thread.
     */
    public int step() {
        int n = (int) x.rows();
        int from = next;
        int to = Math.min(n, from + batchSize);
        var rows = NDArrayIndex.interval(from, to);
        net.fit(x.get(rows, NDArrayIndex.all()), y.get(rows, NDArrayIndex.all()));
        next = to >= n ? 0 : to;
        return to - from;
    }

    private long epoch() {
        int n = (int) x.rows();
        for (int from = 0; from < n; from += batchSize) {
            var rows = NDArrayIndex.interval(from, Math.min(n, from + batchSize));
            net.fit(x.get(rows, NDArrayIndex.all()), y.get(rows, NDArrayIndex.all()));
        }
        return n;
    }
}
