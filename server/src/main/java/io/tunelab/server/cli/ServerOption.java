package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.ApiServer;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code --server URL} and {@code --token-file FILE} options of the client commands. The
 * token comes from the file, else {@code $TUNELAB_TOKEN}, else, for a server on this machine,
 * the admin token a local server wrote to {@code ./tunelab-data/admin.token}.
 */
final class ServerOption {
    @Option(names = "--server", defaultValue = TunelabCommand.DEFAULT_SERVER,
            description = "server URL, or several coordinators' URLs separated by commas (default ${DEFAULT-VALUE})")
    String url;
    @Option(names = "--token-file", paramLabel = "FILE", description = "a file holding the token (default: $TUNELAB_TOKEN, "
            + "else ./tunelab-data/admin.token when the server is on this machine)")
    Path tokenFile;

    TunelabClient connect() {
        checkSchemeAndPort(url);
        return TunelabClient.connect(url, Credentials.token(tokenFile, System.getenv("TUNELAB_TOKEN"), url,
                Path.of("tunelab-data", ApiServer.ADMIN_TOKEN_FILE)));
    }

    /**
     * Refuses a URL that names a scheme other than http or https, or a port beyond 65535, before
     * any request: the client would send HTTP to the one and fail with a Java exception on the
     * other. A URL without a scheme or host is left for the client, which names it.
     */
    static void checkSchemeAndPort(String urls) {
        for (String one : (urls == null ? "" : urls).split(",", -1)) {
            URI uri;
            try {
                uri = new URI(one.strip());
            } catch (URISyntaxException e) {
                continue;
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--server " + one.strip() + ": a Tunelab server speaks http:// or "
                        + "https://, not " + scheme + "://; give a URL like http://127.0.0.1:8080");
            }
            if (uri.getPort() > 65535) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--server " + one.strip() + ": port " + uri.getPort()
                        + " is beyond 65535; give a URL like http://127.0.0.1:8080");
            }
        }
    }
}
