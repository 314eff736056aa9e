package com.example.tunelab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A logistic regression fitted by minibatch gradient descent on the breast-cancer data bundled
 * as a resource (569 tumours, 30 features, target 1 for benign). A fixed shuffle puts 70% of the
 * rows in training and 30% in validation; features are standardized with the training rows' mean
 * and deviation. The data never changes and training keeps its weights local, so any number of
 * threads may train at once, and equal arguments give equal results.
 */
final class BreastCancerModel {
    private static final long SEED = 42;

    private final double[][] trainX;
    private final double[] trainY;
    private final double[][] validX;
    private final double[] validY;

    private BreastCancerModel(double[][] trainX, double[] trainY, double[][] validX, double[] validY) {
        this.trainX = trainX;
        this.trainY = trainY;
        this.validX = validX;
        this.validY = validY;
    }

    /** Reads {@code /breast_cancer.csv} from the class path: a header row, then features and a 0/1 target last. */
    static BreastCancerModel load() {
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = BreastCancerModel.class.getResourceAsStream("/breast_cancer.csv")) {
            if (in == null) {
                throw new IllegalStateException("breast_cancer.csv is missing from the class path");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.shuffle(rows, new Random(SEED));
        int nTrain = (int) Math.round(rows.size() * 0.7);
        List<double[]> train = rows.subList(0, nTrain);
        List<double[]> valid = rows.subList(nTrain, rows.size());
        int features = rows.getFirst().length - 1;
        double[] mean = new double[features];
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            final int col = j;
            mean[j] = train.stream().mapToDouble(r -> r[col]).average().orElse(0);
            double var = train.stream().mapToDouble(r -> (r[col] - mean[col]) * (r[col] - mean[col])).average().orElse(0);
            std[j] = var > 0 ? Math.sqrt(var) : 1;
        }
        return new BreastCancerModel(features(train, mean, std), targets(train), features(valid, mean, std), targets(valid));
    }

    private static double[][] features(List<double[]> rows, double[] mean, double[] std) {
        double[][] x = new double[rows.size()][mean.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < mean.length; j++) {
                x[i][j] = (rows.get(i)[j] - mean[j]) / std[j];
            }
        }
        return x;
    }

    private static double[] targets(List<double[]> rows) {
        return rows.stream().mapToDouble(r -> r[r.length - 1]).toArray();
    }

    /**
     * Trains a fresh model for {@code epochs} passes over the training rows, in minibatches of
     * {@code batch} rows with step size {@code lr}, and returns its log-loss on the validation
     * rows (lower is better; 0.693 is a coin toss).
     */
    double validationLoss(double lr, int batch, int epochs) {
        return fit(lr, batch, epochs, SEED).loss();
    }

    /** A trained model: its weights and bias, and the validation log-loss after each epoch (the last is {@link #loss()}). */
    record Fit(double[] weights, double bias, double[] lossByEpoch) {
        double loss() {
            return lossByEpoch[lossByEpoch.length - 1];
        }
    }

    /** Trains as {@link #validationLoss} does, with {@code seed} shuffling the minibatches. */
    Fit fit(double lr, int batch, int epochs, long seed) {
        int features = trainX[0].length;
        double[] w = new double[features];
        double b = 0;
        double[] losses = new double[epochs];
        Integer[] order = new Integer[trainX.length];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            Collections.shuffle(Arrays.asList(order), random);
            for (int start = 0; start < order.length; start += batch) {
                int end = Math.min(start + batch, order.length);
                double[] gradW = new double[features];
                double gradB = 0;
                for (int k = start; k < end; k++) {
                    int i = order[k];
                    double error = probability(w, b, trainX[i]) - trainY[i];
                    for (int j = 0; j < features; j++) {
                        gradW[j] += error * trainX[i][j];
                    }
                    gradB += error;
                }
                int n = end - start;
                for (int j = 0; j < features; j++) {
                    w[j] -= lr * gradW[j] / n;
                }
                b -= lr * gradB / n;
            }
            losses[epoch] = validationLoss(w, b);
        }
        return new Fit(w, b, losses);
    }

    private double validationLoss(double[] w, double b) {
        double loss = 0;
        for (int i = 0; i < validX.length; i++) {
            double p = Math.clamp(probability(w, b, validX[i]), 1e-12, 1 - 1e-12);
            loss -= validY[i] * Math.log(p) + (1 - validY[i]) * Math.log(1 - p);
        }
        return loss / validX.length;
    }

    private static double probability(double[] w, double b, double[] x) {
        double z = b;
        for (int j = 0; j < w.length; j++) {
            z += w[j] * x[j];
        }
        return 1 / (1 + Math.exp(-z));
    }
}
