package io.tunelab.server.cli;

import io.tunelab.api.ParamImportance;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tunelab importance NAME [--objective N]}: each param's share of the variance of one
 * objective over the experiment's complete trials (fANOVA), most important first, with a bar.
 */
@Command(name = "importance", mixinStandardHelpOptions = true,
        description = "Shows how much of an objective's variance across the complete trials each param explains (fANOVA); "
                + "a share within the explored region, not a cause.")
final class ImportanceCommand implements Callable<Integer> {
    /** The width of a bar of importance 1. */
    static final int BAR = 40;

    @Parameters(index = "0", description = "the experiment's name or id")
    String name;
    @Option(names = "--objective", defaultValue = "0", paramLabel = "N",
            description = "which objective, by its index in the spec (default ${DEFAULT-VALUE}, the first)")
    int objective;
    @CommandLine.Mixin
    ServerOption server;

    @Override
    public Integer call() {
        Reference.experiment(name);
        try (TunelabClient client = server.connect()) {
            print(System.out, client.importance(name, objective));
            return 0;
        }
    }

    static void print(PrintStream out, ParamImportance p) {
        out.println("importance of " + p.metric() + " (objective " + p.objective() + ") in " + p.experiment() + ", by "
                + p.method() + " over " + p.trials() + " complete trial" + (p.trials() == 1 ? "" : "s") + skipped(p));
        if (p.reason() != null) {
            out.println("no importances: " + p.reason());
        } else {
            var rows = new ArrayList<List<String>>();
            for (ParamImportance.Share s : p.params()) {
                rows.add(List.of(s.param(), String.format(Locale.ROOT, "%.3f", s.importance()),
                        "#".repeat((int) Math.round(s.importance() * BAR))));
            }
            Console.table(out, List.of("PARAM", "IMPORTANCE", ""), rows);
        }
        if (!p.notAssessed().isEmpty()) {
            out.println("not assessed (conditional, not set in every complete trial): " + String.join(", ", p.notAssessed()));
        }
    }

    private static String skipped(ParamImportance p) {
        int pruned = p.skipped().getOrDefault(TrialState.PRUNED, 0);
        int failed = p.skipped().getOrDefault(TrialState.FAILED, 0);
        return pruned + failed == 0 ? "" : " (left out: " + pruned + " pruned, " + failed + " failed)";
    }
}
