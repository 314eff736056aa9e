package io.tunelab.server.http.auth;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.net.URI;
import java.net.URISyntaxException;
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
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(AccessConfig::checkedHost).toList();
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

    /**
     * An origin as a browser sends it ({@code https://dash.example.com}, a port when not the
     * scheme's default); anything else could never match and would leave the caller it was meant
     * for refused, so it is refused at start, as is {@code *} (every site could then drive this server).
     */
    private static String origin(String o) {
        String s = o.trim().toLowerCase(Locale.ROOT);
        s = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        URI uri = null;
        try {
            uri = new URI(s);
        } catch (URISyntaxException notAUri) {
            // refused below
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--allowed-origins: \"" + o + "\" is not a browser origin; "
                    + "give scheme, host and port only, as https://dash.example.com or http://localhost:5173"
                    + (s.equals("*") ? " (a wildcard would let every web site call this server)" : ""));
        }
        return s;
    }

    /** A name the Host header may carry: a host name or address, optionally with a port, nothing else. */
    private static String checkedHost(String h) {
        String name = hostName(h);
        if (name.isEmpty() || h.contains("/") || h.contains("@") || h.contains("*") || name.contains(" ")) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--allowed-hosts: \"" + h + "\" is not a host name; "
                    + "give the name alone, as tunelab.example.com (no scheme, path or wildcard)");
        }
        return h;
    }
}
