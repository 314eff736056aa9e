package io.tunelab.experiments.throughput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The anchor: Optuna 3.1's journal-file storage ({@code JournalStorage(JournalFileStorage(path))},
 * durable like Tunelab's) with the benchmark's three params (log float, int, 3-way categorical)
 * and its random sampler, {@code trials} sequential ask+tell round trips in one Python process,
 * run with {@code /usr/bin/python3} (Debian's {@code python3-optuna}). The rate is trials over
 * the wall time of the loop alone (imports and study creation excluded).
 *
 * <p>Its rate is set by the disk as much as by Python: the journal appends one line per operation
 * and {@code fsync}s each (about five per ask+tell, and a lock file made and removed around each),
 * so {@link #fsyncMicros} of the same directory and a run on {@code /dev/shm} ({@link #memoryDirectory},
 * where {@code fsync} does nothing) say how much of it is the disk.
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

    /**
     * The median wall time, in µs, of appending 200 bytes to a file in {@code dir} and forcing it
     * to the disk, over {@code appends} appends: what each of the journal's {@code fsync}s costs here.
     */
    static double fsyncMicros(Path dir, int appends) throws IOException {
        Path probe = dir.resolve("fsync-probe");
        var micros = new double[appends];
        try (var channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            var line = new byte[200];
            for (int i = 0; i < appends; i++) {
                long start = System.nanoTime();
                channel.write(ByteBuffer.wrap(line));
                channel.force(true);
                micros[i] = (System.nanoTime() - start) / 1e3;
            }
        } finally {
            Files.deleteIfExists(probe);
        }
        Arrays.sort(micros);
        return micros[appends / 2];
    }

    /** A fresh directory on {@code /dev/shm} (memory: {@code fsync} does nothing), when this machine has one. */
    static Optional<Path> memoryDirectory() {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.createTempDirectory(shm, "tunelab-throughput"));
        } catch (IOException e) {
            return Optional.empty();
        }
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
