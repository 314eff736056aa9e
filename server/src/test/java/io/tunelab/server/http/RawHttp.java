package io.tunelab.server.http;

import io.tunelab.api.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, so tests can send what a well-behaved
 * client never would: any Host, any method, any header, any bytes.
 */
final class RawHttp {
    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    record Reply(int status, Map<String, String> headers, String body) {
        Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends a request; {@code headers} go as they are (a null value drops the default Host). */
    Reply send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        var head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        var all = new LinkedHashMap<String, String>();
        all.put("Host", "127.0.0.1:" + port);
        all.put("Connection", "close");
        all.putAll(headers);
        if (body != null) {
            all.putIfAbsent("Content-Length", Integer.toString(body.length));
        }
        all.forEach((k, v) -> {
            if (v != null) {
                head.append(k).append(": ").append(v).append("\r\n");
            }
        });
        head.append("\r\n");
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    Reply send(String method, String target, Map<String, String> headers, String body) throws IOException {
        return send(method, target, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a HEAD of {@code target} and, on the same connection after it, a GET of /health; answers
     * what the server sent between the end of the HEAD's headers and the status line of the next
     * answer: nothing, when the HEAD's answer is only headers, as HTTP has it.
     */
    String afterHead(String target, Map<String, String> headers) throws IOException {
        var requests = new StringBuilder("HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        headers.forEach((k, v) -> requests.append(k).append(": ").append(v).append("\r\n"));
        requests.append("\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n\r\n");
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            int next = text.indexOf("HTTP/1.1 ", headEnd + 4);
            if (headEnd < 0 || next < 0) {
                throw new IOException("no answer to the HEAD and then to the GET: " + text);
            }
            return text.substring(headEnd + 4, next);
        }
    }

    private static Reply read(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while (!complete(bytes) && (n = in.read(buffer)) >= 0) {
                bytes.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // The server may close after answering a request whose body it refused to read.
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        var headers = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] raw = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
        String body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(raw) : new String(raw, StandardCharsets.UTF_8);
        return new Reply(status, headers, body);
    }

    /**
     * Whether the bytes hold a whole response with a Content-Length: a server that answers before
     * reading a request's body (a refused upload) may keep the connection open to drain it.
     */
    private static boolean complete(ByteArrayOutputStream bytes) {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return text.length() - end - 4 >= Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return false;
    }

    private static String dechunk(byte[] raw) {
        var out = new ByteArrayOutputStream();
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(raw, eol + 2, Math.min(size, raw.length - eol - 2));
            i = eol + 2 + size + 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
