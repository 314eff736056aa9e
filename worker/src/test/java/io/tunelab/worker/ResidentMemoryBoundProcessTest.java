package io.tunelab.worker;

import io.tunelab.client.JvmCommand;
import io.tunelab.worker.bench.TrainingBenchmark;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's memory options in a real JVM that makes ND4J garbage and little Java garbage, as
 * training does: with the worker's resident bound the process stays near it; without the bound
 * (JavaCPP's {@code maxphysicalbytes} off too, as on the worker's command line) the dead arrays
 * pile up, which is what the bound is for.
 */
class ResidentMemoryBoundProcessTest {
    /** 2.4 GB of native garbage in 16 MB arrays. */
    private static final int ARRAYS = 150;

    @Test
    void aWorkerJvmMakingNativeGarbageStaysNearItsBound() throws Exception {
        long bounded = peakResidentMb(List.of("-D" + ResidentMemoryBound.PROPERTY + "=700m"));
        long unbounded = peakResidentMb(List.of("-D" + ResidentMemoryBound.PROPERTY + "="));
        System.out.printf("peak resident size over %d arrays of 16 MB: %d MB with a bound of 700 MB, %d MB without%n", ARRAYS,
                bounded, unbounded);
        assertThat(unbounded).as("without a bound the garbage piles up (peak MB)").isGreaterThan(1_600);
        assertThat(bounded).as("with a bound of 700 MB (peak MB)").isLessThan(1_100);
    }

    /** Runs {@link Garbage} with the worker's JVM options and {@code more} after them; answers its peak resident MB. */
    private static long peakResidentMb(List<String> more) throws IOException, InterruptedException {
        var worker = JvmCommand.worker(Path.of("no-such-home")); // not built there: its options without a shared archive
        var command = new ArrayList<String>();
        command.add(worker.java());
        command.addAll(worker.jvmOptions());
        command.addAll(more);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Garbage.class.getName()));
        Path out = Files.createTempFile("garbage", ".txt");
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            worker.environment().forEach(builder.environment()::put);
            Process process = builder.start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the garbage process did not finish in 3 minutes");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            var peak = output.lines().filter(l -> l.startsWith("peak ")).findFirst().orElseThrow(() -> new AssertionError(output));
            long mb = Long.parseLong(peak.substring(5).strip());
            assertThat(mb).as("the process read its peak resident size: %s", output).isPositive();
            return mb;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Allocates {@link #ARRAYS} arrays of 16 MB one after another, each dropped at once; prints its peak resident MB. */
    public static final class Garbage {
        public static void main(String[] args) throws Exception {
            ResidentMemoryBound.fromProperty().ifPresent(ResidentMemoryBound::start);
            for (int i = 0; i < ARRAYS; i++) {
                Nd4j.create(DataType.FLOAT, 4L << 20).assign(1f);
                Thread.sleep(10);
            }
            System.out.println("peak " + TrainingBenchmark.peakRssMb());
        }
    }
}
