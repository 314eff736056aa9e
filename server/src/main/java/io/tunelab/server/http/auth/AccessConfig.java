package io.tunelab.server.http.auth;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may reach a server and how: the extra Host names it answers to ({@code --allowed-hosts}),
 * the extra browser origins that may call it ({@code --allowed-origins}), its TLS key pair (PEM)
 * or the promise that TLS ends at a proxy in front of it ({@code --behind-proxy}).
 */
public record AccessConfig(List<String> allowedHosts, List<String> allowedOrigins, Path tlsCert, Path tlsKey,
                           boolean behindProxy) {
    public AccessConfig {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(AccessConfig::origin).toList();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--tls-cert and --tls-key go together; give both PEM files or neither");
        }
    }

    public static AccessConfig defaults() {
        return new AccessConfig(List.of(), List.of(), null, null, false);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    /**
     * Refuses to serve plain HTTP beyond this machine: a {@code host} that is not a loopback
     * address needs TLS, or {@code --behind-proxy} when a proxy in front terminates it.
     */
    public void checkBinding(String host) {
        if (!isLoopback(host) && !tls() && !behindProxy) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--host " + host + " serves beyond this machine, where tokens "
                    + "must not travel in clear text: give --tls-cert and --tls-key (PEM files) to serve HTTPS, or "
                    + "--behind-proxy when a proxy in front of Tunelab terminates TLS");
        }
    }

    /** The host names (without port, lower case) that a request's Host header may carry. */
    Set<String> hostNames(String boundHost) {
        var names = new TreeSet<>(List.of("127.0.0.1", "localhost", "::1"));
        names.add(hostName(boundHost));
        allowedHosts.forEach(h -> names.add(hostName(h)));
        return names;
    }

    static boolean isLoopback(String host) {
        String h = hostName(host);
        return h.equals("localhost") || h.equals("::1") || h.startsWith("127.");
    }

    /** The name part of a Host header or a host: lower case, without port or IPv6 brackets. */
    static String hostName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    private static String origin(String o) {
        String s = o.trim().toLowerCase(Locale.ROOT);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
