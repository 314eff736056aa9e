package io.tunelab.experiments.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Machines on a network, for end-to-end tests on one host: {@code count} network namespaces,
 * each joined to a bridge on the host by a veth pair, so a process started in one of them
 * ({@link #prefix}) has its own loopback and reaches the host only at the bridge's address
 * ({@link #host}), as a worker on another machine reaches a coordinator; servers listen on that
 * address. Setting it up needs root and the {@code ip} tool (iproute2) with namespaces, veth and
 * bridges in the kernel; where any step fails, {@link #orLoopback} answers the loopback instead
 * (every process on the host's network, servers on 127.0.0.1) and says why in {@link #reason}.
 *
 * <p>Names carry this process's id, so several runs at once do not collide; {@link #close}
 * deletes the namespaces (their veth ends go with them) and the bridge. Not thread-safe.
 */
public final class NetworkNamespaces implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final List<String> namespaces;
    private final String bridge;
    private final String host;
    private final String reason;

    private NetworkNamespaces(List<String> namespaces, String bridge, String host, String reason) {
        this.namespaces = List.copyOf(namespaces);
        this.bridge = bridge;
        this.host = host;
        this.reason = reason;
    }

    /** {@code count} namespaces on a bridge, or, where the machine does not allow them, the loopback (see {@link #reason}). */
    public static NetworkNamespaces orLoopback(int count) {
        long pid = ProcessHandle.current().pid();
        String tag = Long.toString(pid, 36);
        String bridge = "tlb" + tag;
        // 10.201.0.0/16 is private; the third octet keeps concurrent runs apart.
        String subnet = "10.201." + (pid % 250 + 1);
        String host = subnet + ".1";
        var made = new ArrayList<String>();
        try {
            ip("link", "add", bridge, "type", "bridge");
            try {
                ip("addr", "add", host + "/24", "dev", bridge);
                ip("link", "set", bridge, "up");
                for (int i = 0; i < count; i++) {
                    String ns = "tln" + tag + "x" + i;
                    String veth = "tlv" + tag + "x" + i;
                    ip("netns", "add", ns);
                    made.add(ns);
                    ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
                    ip("link", "set", veth, "master", bridge);
                    ip("link", "set", veth, "up");
                    ip("netns", "exec", ns, "ip", "addr", "add", subnet + "." + (10 + i) + "/24", "dev", "eth0");
                    ip("netns", "exec", ns, "ip", "link", "set", "eth0", "up");
                    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
                }
                return new NetworkNamespaces(made, bridge, host, null);
            } catch (IOException e) {
                new NetworkNamespaces(made, bridge, host, null).close(); // what was made so far
                throw e;
            }
        } catch (IOException e) {
            return new NetworkNamespaces(List.of(), null, LOOPBACK, e.getMessage());
        }
    }

    /** Whether the processes run in namespaces of their own; false on the loopback. */
    public boolean isolated() {
        return bridge != null;
    }

    /** Why there are no namespaces (the failed step and its output), or null when there are. */
    public String reason() {
        return reason;
    }

    /** The address servers listen on, which every namespace reaches: the bridge's, or 127.0.0.1. */
    public String host() {
        return host;
    }

    /** What goes before a command to run it in namespace {@code i} ({@code ip netns exec NAME}); empty on the loopback. */
    public List<String> prefix(int i) {
        return isolated() ? List.of("ip", "netns", "exec", namespaces.get(i)) : List.of();
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            quietly("netns", "del", ns);
        }
        if (bridge != null) {
            quietly("link", "del", bridge);
        }
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException e) {
            System.err.println("NetworkNamespaces: " + e.getMessage());
        }
    }

    /** Runs {@code ip ARGS}; an IOException naming the command and its output when it fails. */
    private static void ip(String... args) throws IOException {
        var command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
