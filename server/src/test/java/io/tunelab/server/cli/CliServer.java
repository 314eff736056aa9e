package io.tunelab.server.cli;

import io.tunelab.server.http.ApiServer;
import io.tunelab.server.testing.TestServer;

import java.util.Arrays;

/**
 * The {@link TestServer} of a CLI test class, with the admin token's file the CLI is pointed at.
 * Register it as an extension ({@code @RegisterExtension final CliServer server = new CliServer();}).
 * {@link #run} runs a client command against it.
 */
final class CliServer extends TestServer {
    /** The file holding the admin token, as {@code --token-file} takes it. */
    String tokenFile() {
        return dataDir().resolve(ApiServer.ADMIN_TOKEN_FILE).toString();
    }

    /** Runs a client command against this server, with {@code --server} and {@code --token-file} added. */
    TunelabCommandTest.Run run(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--server";
        all[args.length + 1] = url();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = tokenFile();
        return TunelabCommandTest.run(all);
    }
}
