package io.tunelab.experiments.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads per-run CSVs as {@link QualityBenchmark.Run}s: those Optuna's scripts write (columns
 * function, sampler, seed, regret_100, regret_300, found by name), so the tables put them beside
 * Tunelab's on the same seeds, and the benchmark's own quality_runs.csv (problem, strategy, …),
 * so the runs of several invocations make one table ({@code --from-csv}).
 */
final class RunFiles {
    private RunFiles() {
    }

    static List<QualityBenchmark.Run> read(List<Path> files) throws IOException {
        var runs = new ArrayList<QualityBenchmark.Run>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            List<String> header = Arrays.asList(lines.getFirst().split(","));
            int function = column(header, header.contains("problem") ? "problem" : "function", file);
            int sampler = column(header, header.contains("strategy") ? "strategy" : "sampler", file);
            int seed = column(header, "seed", file);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                var regretAt = new LinkedHashMap<Integer, Double>();
                for (int c : QualityBenchmark.CHECKPOINTS) {
                    int i = header.indexOf("regret_" + c);
                    if (i >= 0 && !cells[i].isEmpty() && !cells[i].equals("null")) {
                        regretAt.put(c, Double.parseDouble(cells[i]));
                    }
                }
                runs.add(new QualityBenchmark.Run(cells[function], cells[sampler], Long.parseLong(cells[seed]), regretAt, new double[0]));
            }
        }
        return runs;
    }

    private static int column(List<String> header, String name, Path file) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(file + " has no column \"" + name + "\"; expected the quality_runs.csv "
                    + "of QualityBenchmark, experiments/optuna/quality_shifted.py or shared/bench/quality.py");
        }
        return i;
    }
}
