package io.tunelab.server.cli;

import io.tunelab.api.ExportFormat;
import io.tunelab.client.TunelabClient;
import io.tunelab.client.WholeFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tunelab export NAME --format csv|json [--output FILE]}: every trial of an experiment,
 * one row per trial, to standard output or to a file that is written whole or not at all.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes every trial of an experiment as CSV or JSON, one row per trial "
                + "(params, values, statistics, state, times, worker, error), for pandas or a spreadsheet.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the experiment's name or id")
    String name;
    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "csv (RFC 4180; the default) or json (an array of rows)")
    String format;
    @Option(names = "--output", paramLabel = "FILE", description = "the file to write (default: standard output)")
    Path output;
    @CommandLine.Mixin
    ServerOption server;

    @Override
    public Integer call() throws IOException {
        Reference.experiment(name);
        ExportFormat exportFormat = ExportFormat.parse(format);
        Path target = output == null ? null : WholeFile.target(output, "--output", "trials." + exportFormat.extension());
        try (TunelabClient client = server.connect()) {
            if (target == null) {
                client.exportTrials(name, exportFormat, System.out);
                System.out.flush();
                return 0;
            }
            // A refused or broken export leaves an existing file as it was.
            WholeFile.write(target, out -> client.exportTrials(name, exportFormat, out));
            System.out.println("exported the trials of " + name + " as " + exportFormat.extension() + " to " + output);
            return 0;
        }
    }
}
