package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import io.tunelab.client.WholeFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where and how a server listens, checked before it creates anything: an address this machine
 * has, a port no other process holds, and PEM files for TLS. Otherwise a server made its data
 * directory and database first and then failed with a Java exception's text.
 */
final class Listening {
    /** The most a PEM file may hold; a certificate chain is a few kilobytes. */
    private static final long MAX_PEM_BYTES = 1024 * 1024;

    private Listening() {
    }

    /** Refuses an empty {@code --host} or one this machine cannot resolve. */
    static void checkHost(String host) {
        if (host == null || host.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--host is empty; give the address to bind, as 127.0.0.1 "
                    + "(this machine only) or 0.0.0.0 (every interface)");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--host " + host + " is not an address, nor a name this machine "
                    + "resolves; give an address of this machine, as 127.0.0.1 or 0.0.0.0");
        }
    }

    /**
     * Refuses a port another process holds (or an address not of this machine) by binding it once
     * and letting it go; port 0 picks a free one and needs no check.
     */
    static void checkFree(String host, int port, String portFlag) {
        if (port == 0) {
            return;
        }
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            String why = e.getMessage() == null ? WholeFile.reason(e) : e.getMessage().toLowerCase(Locale.ROOT);
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot listen on " + host + ":" + port + " (" + why + "); give "
                    + "another " + portFlag + ", or 0 for a free one");
        }
    }

    /** Refuses a {@code --tls-cert} or {@code --tls-key} that is not a readable PEM file holding {@code kind}. */
    static void checkPem(Path file, String flag, String kind) {
        if (file == null) {
            return;
        }
        String text = InputFile.read(file, flag, MAX_PEM_BYTES, "a PEM file holds a few kilobytes; give the " + kind + " in PEM");
        if (!text.contains("-----BEGIN ") || !text.contains(kind.toUpperCase(Locale.ROOT) + "-----")) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + " holds no PEM " + kind + " (-----BEGIN "
                    + kind.toUpperCase(Locale.ROOT) + "-----); give the " + kind + " in PEM");
        }
    }
}
