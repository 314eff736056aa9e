package io.tunelab.worker.train;

import io.tunelab.api.Direction;
import io.tunelab.worker.data.DatasetSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConvolutionalNetworksTest {

    @Test
    void aSmallCnnLearnsDigitsAndItsModelFilePredicts() {
        var task = Map.<String, Object>of(
                "dataset", Map.of("name", "digits", "shape", List.of(1, 8, 8), "validation", Map.of("holdout", 0.2)),
                "preprocessing", Map.of("scaling", "minmax"),
                "model", Map.of("family", "cnn", "conv_layers", 2, "filters", 8, "kernel", 3, "pool", 2, "layers", 1,
                        "units", 32),
                "training", Map.of("learning_rate", 0.005, "epochs", 6, "patience", 0, "batch_size", 32));
        var spec = TaskSpec.parse(task, Map.of());
        var outcome = new TaskRun(spec, task, TaskRunTest.load(spec), "accuracy", Direction.MAXIMIZE)
                .run(1, 3, new TaskRunTest.Recorder(new ArrayList<>(), Integer.MAX_VALUE));

        assertThat(outcome.status()).isEqualTo(io.tunelab.worker.runner.RunOutcome.Status.COMPLETE);
        assertThat(outcome.repetitions().getFirst().values().get("accuracy")).isGreaterThan(0.85);
        var layers = ((Network.Layers) outcome.model().network()).model().getLayers();
        assertThat(layers[0]).isInstanceOf(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class);

        var bundle = ModelBundle.read(outcome.model().write());
        var prediction = bundle.predict(new DatasetSource.Bundled("digits").read());
        assertThat(prediction.size()).isEqualTo(1797);
        assertThat(prediction.probabilities()[0]).hasSize(10);
    }
}
