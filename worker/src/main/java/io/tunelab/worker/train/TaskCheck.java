package io.tunelab.worker.train;

import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.FeatureSpec;

import java.util.List;

/**
 * The checks of a task against the data it runs on that no field can make alone: a shape that
 * does not fit the inputs, a kernel larger than the input, more selected inputs than there
 * are, class weights for a regression. Each failure is an INVALID_SPEC error naming the field.
 */
final class TaskCheck {
    private TaskCheck() {
    }

    static void check(TaskSpec task, Dataset data) {
        FeatureSpec features = task.preprocessing().features();
        if (!features.selection().equals("none") && features.k() > data.width()) {
            throw TunelabException.invalidSpec("preprocessing.k (" + features.k() + ") exceeds the number of input features ("
                    + data.width() + ")");
        }
        if (!data.isClassification()) {
            if (!task.training().classWeights().equals("none")) {
                throw TunelabException.invalidSpec("training.class_weights: " + task.training().classWeights()
                        + " applies to classification only; this task is a regression (use none)");
            }
            if (!task.training().oversampling().equals("none")) {
                throw TunelabException.invalidSpec("training.oversampling: " + task.training().oversampling()
                        + " applies to classification only; this task is a regression (use none)");
            }
        }
        List<Integer> shape = task.dataset().shape();
        if (shape != null) {
            int cells = shape.get(0) * shape.get(1) * shape.get(2);
            if (cells != data.width()) {
                throw TunelabException.invalidSpec("dataset.shape " + shape + " has " + cells + " cells, but the data has "
                        + data.width() + " input columns; give a shape whose product is " + data.width());
            }
        }
        if (task.model().family().equals("cnn")) {
            checkConvolution(task, shape);
        }
    }

    private static void checkConvolution(TaskSpec task, List<Integer> shape) {
        if (shape == null) {
            throw TunelabException.invalidSpec("model.family cnn needs dataset.shape: [channels, height, width], "
                    + "as [1, 8, 8] for digits");
        }
        var p = task.preprocessing();
        String changes = p.dimensionality().equals("pca") ? "preprocessing.dimensionality: pca"
                : p.features().varianceThreshold() != null ? "preprocessing.variance_threshold"
                : p.features().correlationThreshold() != null ? "preprocessing.correlation_threshold"
                : !p.features().selection().equals("none") ? "preprocessing.selection"
                : !p.features().interactions().equals("none") ? "preprocessing.interactions" : null;
        if (changes != null) {
            throw TunelabException.invalidSpec("model.family cnn reads the inputs as a " + shape + " grid, but " + changes
                    + " changes which inputs there are; leave it out with cnn");
        }
        ModelSpec m = task.model();
        int height = shape.get(1);
        int width = shape.get(2);
        if (m.kernel() > height || m.kernel() > width) {
            throw TunelabException.invalidSpec("model.kernel (" + m.kernel() + ") is larger than the input (" + height + "×"
                    + width + " from dataset.shape)");
        }
        for (int block = 1; block <= m.convLayers(); block++) {
            height /= m.pool();
            width /= m.pool();
            if (height < 1 || width < 1) {
                throw TunelabException.invalidSpec("model.conv_layers (" + m.convLayers() + ") with model.pool " + m.pool()
                        + " pools the " + shape.get(1) + "×" + shape.get(2) + " input below one cell after block " + block
                        + "; use fewer blocks or a smaller pool");
            }
        }
    }
}
