package io.tunelab.server.cli;

import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real server on a free port for each test of a CLI test class, on H2 files in a folder of its
 * own, and the admin token's file the CLI is pointed at. Register it as an extension
 * ({@code @RegisterExtension final CliServer server = new CliServer();}); it starts before the
 * class's {@code @BeforeEach} methods and stops after its {@code @AfterEach} ones. {@link #run}
 * runs a client command against it; {@link #client()} is an SDK client, opened on first use.
 */
final class CliServer implements BeforeEachCallback, AfterEachCallback {
    private Path folder;
    private ApiServer server;
    private TunelabClient client;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("tunelab-cli-test");
        server = ApiServer.start(ServerConfig.of(dataDir(), 0));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (client != null) {
                client.close();
                client = null;
            }
            server.close();
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The server itself. */
    ApiServer api() {
        return server;
    }

    /** The server's data directory. */
    Path dataDir() {
        return folder.resolve("data");
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The file holding the admin token, as {@code --token-file} takes it. */
    String tokenFile() {
        return dataDir().resolve(ApiServer.ADMIN_TOKEN_FILE).toString();
    }

    /** An SDK client with the admin token, closed after the test. */
    TunelabClient client() {
        if (client == null) {
            try {
                client = TunelabClient.connect(url(), Files.readString(Path.of(tokenFile())).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return client;
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
