package io.tunelab.server;

import io.tunelab.server.cli.TunelabCommand;
import picocli.CommandLine;

/** The {@code tunelab} command: parses the flags into config records and runs the subcommand. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(TunelabCommand.commandLine().execute(args));
    }
}
