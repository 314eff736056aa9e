package io.tunelab.experiments.throughput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The anchor: Optuna 3.1's journal-file storage ({@code JournalStorage(JournalFileStorage(path))},
 * durable like Tunelab's) with the benchmark's three params (log float, int, 3-way categorical)
 * and its random sampler, {@code trials} sequential ask+tell round trips in one Python process,
 * run with {@code /usr/bin/python3} (Debian's {@code python3-optuna}). The rate is trials over
 * the wall time of the loop alone (imports and study creation excluded).
 */
final class OptunaJournal {
    static final String PYTHON = "/usr/bin/python3";

    private static final String SCRIPT = """
            import math, os, sys, time, warnings
            for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
                os.environ.setdefault(v, "1")
            warnings.filterwarnings("ignore")
            import optuna
            from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
            from optuna.storages import JournalFileStorage, JournalStorage
            optuna.logging.set_verbosity(optuna.logging.ERROR)
            path, n = sys.argv[1], int(sys.argv[2])
            dists = {"lr": FloatDistribution(1e-5, 1.0, log=True), "units": IntDistribution(8, 512),
                     "optimizer": CategoricalDistribution(["adam", "sgd", "rmsprop"])}
            study = optuna.create_study(storage=JournalStorage(JournalFileStorage(path)), study_name="throughput",
                                        sampler=optuna.samplers.RandomSampler(seed=1), direction="minimize")
            start = time.perf_counter()
            for _ in range(n):
                trial = study.ask(dists)
                study.tell(trial, abs(math.log10(trial.params["lr"]) + 3))
            wall = time.perf_counter() - start
            print("optuna", optuna.__version__, "trials", n, "seconds", wall, "rate", n / wall)
            """;

    private OptunaJournal() {
    }

    /** One rate (trials/s) per repetition, each in a fresh process with a fresh journal file. */
    static List<Double> measure(int trials, int repetitions, Path scratch) throws IOException, InterruptedException {
        Path script = scratch.resolve("optuna_journal.py");
        Files.writeString(script, SCRIPT);
        var rates = new ArrayList<Double>();
        for (int r = 0; r < repetitions; r++) {
            Path journal = scratch.resolve("optuna-" + r + ".log");
            Process p = new ProcessBuilder(PYTHON, script.toString(), journal.toString(), Integer.toString(trials))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !out.contains(" rate ")) {
                throw new IOException("Optuna's journal run failed (is python3-optuna installed for " + PYTHON + "?):\n" + out);
            }
            String last = out.lines().reduce((a, b) -> b).orElseThrow();
            rates.add(Double.parseDouble(last.substring(last.lastIndexOf(' ') + 1)));
        }
        return rates;
    }
}
