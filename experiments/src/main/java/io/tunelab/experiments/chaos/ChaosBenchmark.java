package io.tunelab.experiments.chaos;

import io.tunelab.experiments.quality.Args;
import io.tunelab.experiments.support.Scratch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Durability under repeated SIGKILL: runs {@link ChaosRun} {@code --runs} times in a row and
 * prints, per run, what was acknowledged (asks or leases, reports, tells), what of it was lost,
 * how many trial numbers were stored twice, the 5xx replies, and the time taken. Exits with 1 if
 * any run lost or duplicated anything.
 *
 * <p>Usage: {@code java -cp … ChaosBenchmark [--clients 8] [--kills 200] [--runs 3]
 * [--mode ask-tell|leases|next|both|all] [--durability process|fsync] [--min-life-ms 1000]
 * [--max-life-ms 3000] [--seed 1]}
 */
public final class ChaosBenchmark {
    private ChaosBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        int clients = args.integer("clients", 8);
        int kills = args.integer("kills", 200);
        int runs = args.integer("runs", 3);
        String durability = args.string("durability", "process");
        long seed = args.integer("seed", 1);
        var life = List.of(Duration.ofMillis(args.integer("min-life-ms", 1000)), Duration.ofMillis(args.integer("max-life-ms", 3000)));
        List<ChaosOptions.Mode> modes = switch (args.string("mode", "both").toLowerCase(Locale.ROOT)) {
            case "ask-tell" -> List.of(ChaosOptions.Mode.ASK_TELL);
            case "leases" -> List.of(ChaosOptions.Mode.LEASES);
            case "next" -> List.of(ChaosOptions.Mode.NEXT);
            case "both" -> List.of(ChaosOptions.Mode.ASK_TELL, ChaosOptions.Mode.LEASES);
            case "all" -> List.of(ChaosOptions.Mode.ASK_TELL, ChaosOptions.Mode.LEASES, ChaosOptions.Mode.NEXT);
            default -> throw new IllegalArgumentException("--mode must be ask-tell, leases, next, both (ask-tell and leases) or all, got "
                    + args.string("mode", ""));
        };
        System.out.printf("Chaos: %d clients, %d SIGKILLs per run at random moments %d–%d ms apart, durability %s, %d runs per mode%n%n",
                clients, kills, life.get(0).toMillis(), life.get(1).toMillis(), durability, runs);
        System.out.println(ChaosReport.header());
        var reports = new ArrayList<ChaosReport>();
        for (ChaosOptions.Mode mode : modes) {
            for (int run = 0; run < runs; run++) {
                Path dir = Scratch.directory("tunelab-chaos-");
                var options = new ChaosOptions(clients, kills, life.get(0), life.get(1), durability, mode, seed + run, dir);
                ChaosReport report = new ChaosRun(options).run();
                reports.add(report);
                System.out.println(report.row());
                report.problems().forEach(p -> System.out.println("  lost: " + p));
            }
        }
        boolean clean = reports.stream().allMatch(r -> r.lost() == 0 && r.duplicated() == 0 && r.problems().isEmpty());
        System.out.println();
        System.out.println(clean ? "Nothing acknowledged was lost or duplicated." : "ACKNOWLEDGED WRITES WERE LOST OR DUPLICATED.");
        System.exit(clean ? 0 : 1);
    }
}
