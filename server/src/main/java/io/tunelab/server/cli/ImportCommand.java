package io.tunelab.server.cli;

import io.tunelab.api.TrialImport;
import io.tunelab.client.TrialQueue;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tunelab import NAME FILE.csv}: trials evaluated elsewhere, in the layout {@code tunelab
 * export} writes, added to the experiment's history: every row, or none when one is bad.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Imports finished trials from a CSV (the columns tunelab export writes: params_NAME, values_METRIC, state) "
                + "into an experiment's history; a bad row imports nothing and names its row and column.")
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the experiment's name or id")
    String name;
    @Parameters(index = "1", description = "the CSV file (at most 1 MiB)")
    Path file;
    @CommandLine.Mixin
    ServerOption server;

    @Override
    public Integer call() {
        Reference.experiment(name);
        String csv = InputFile.read(file, "CSV file", InputFile.MAX_REQUEST_BYTES,
                "the server takes at most " + InputFile.MAX_REQUEST_BYTES + " in one request: split it");
        try (TunelabClient client = server.connect()) {
            TrialImport done = TrialQueue.of(client).importCsv(name, csv);
            System.out.println("imported " + done.imported() + " trials into " + name
                    + (done.skipped() == 0 ? "" : " (" + done.skipped() + " rows skipped: not finished)"));
            return 0;
        }
    }
}
