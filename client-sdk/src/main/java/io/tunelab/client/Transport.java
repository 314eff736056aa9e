package io.tunelab.client;

import io.tunelab.api.RequestId;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The HTTP/1.1 connections a {@link TunelabClient} sends its requests through: Apache HttpClient's
 * classic (blocking) client over a pool of kept-alive connections, each request written and its
 * reply read on the calling thread. That costs about half the CPU per request of
 * {@code java.net.http}, whose every exchange passes between the caller and a selector thread.
 *
 * <p>It behaves as the client did on {@code java.net.http}: TLS with the JVM's default
 * {@link SSLContext} (so {@code javax.net.ssl.trustStore} and the like apply) and the JDK's host
 * name check, proxies from {@link ProxySelector#getDefault()} ({@code http.proxyHost} …, as set
 * when the client is made: {@link #direct}), 5 s to
 * connect, 90 s for a reply, no redirects followed, no cookies kept, bodies neither compressed nor
 * retried here (fail-over is {@link Servers}'), idle connections closed after 30 s. Thread-safe.
 *
 * <p>Without a proxy, requests go through HttpClient's minimal client, which sends a request on a
 * pooled connection and reads its reply with none of the full client's chain of steps (routing,
 * retries, redirects, cookies, authentication, compression: each off here, yet each step ran on
 * every request). In five alternated whole runs of {@code ThroughputBenchmark} against the full
 * client its clients' CPU per tell with next was lower in 5 of 5 (30–38 µs against 32–42) and the
 * tell with next's round trips per second higher by a median 1.08 × (experiments/PERFORMANCE.md,
 * 2026-12-07 21:11–21:32). With a proxy the full client routes through it.
 */
final class Transport implements AutoCloseable {
    static final ContentType JSON = ContentType.create("application/json");
    static final ContentType OCTETS = ContentType.create("application/octet-stream");
    static final ContentType CSV = ContentType.create("text/csv");

    private static final Timeout CONNECT = Timeout.ofSeconds(5);
    private static final Timeout REPLY = Timeout.ofSeconds(90);
    private static final TimeValue IDLE = TimeValue.ofSeconds(30);

    private final CloseableHttpClient http;
    /** Closes the pool's connections idle for {@link #IDLE}, which neither client does by itself here. */
    private final IdleConnectionEvictor evictor;
    private final String authorization;

    /** One request to whichever server: its method, the path after the server's URL, a body (or null), a request id (or null). */
    /**
     * A request; {@code minimal} asks the server for no reply body ({@code Prefer: return=minimal},
     * RFC 7240) where the caller reads none: a server that does not honour it answers as usual.
     */
    record Request(String method, String path, HttpEntity body, String requestId, boolean minimal) {
        Request(String method, String path, HttpEntity body, String requestId) {
            this(method, path, body, requestId, false);
        }

        static Request of(String method, String path) {
            return new Request(method, path, null, null);
        }
    }

    /** A reply's status and body; the body is empty when it was not kept. */
    record Reply(int status, byte[] body) {
    }

    Transport(String token) {
        this(token, ProxySelector.getDefault(), System.getProperties());
    }

    /** A transport whose proxies {@code proxies} names, {@code system} being the JVM's properties ({@link #routePlanner}). */
    Transport(String token, ProxySelector proxies, Properties system) {
        this.authorization = token == null ? null : "Bearer " + token;
        SSLContext tls;
        try {
            tls = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                // Lax: no lock around the pool on every request, and no cap on connections, as java.net.http had none.
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnPerRoute(Integer.MAX_VALUE)
                .setMaxConnTotal(Integer.MAX_VALUE)
                .setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls)
                        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN).buildClassic())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(CONNECT)
                        .setSocketTimeout(REPLY)
                        // A connection idle this long is checked before reuse: the server may have closed it.
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        // The minimal client takes its timeouts from the connection config above (5 s to connect, 90 s
        // for a reply), does not follow redirects, keeps no cookies or state and does not retry.
        this.http = direct(proxies, system) ? HttpClients.createMinimal(connections) : HttpClients.custom()
                .setConnectionManager(connections)
                .setRoutePlanner(new SystemDefaultRoutePlanner(proxies))
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(REPLY).setRedirectsEnabled(false)
                        .setProtocolUpgradeEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .disableContentCompression()
                .disableAutomaticRetries()
                .build();
        this.evictor = new IdleConnectionEvictor(connections, IDLE);
        evictor.start();
    }

    /** The JVM properties that give the JDK's own proxy selector a proxy to answer. */
    private static final List<String> PROXY_PROPERTIES = List.of("http.proxyHost", "https.proxyHost", "socksProxyHost");

    /**
     * Whether requests go straight to the server: when {@code proxies} is the JDK's own selector
     * and none of its properties is set in {@code system} ({@code http.proxyHost}, {@code
     * https.proxyHost}, {@code socksProxyHost}, {@code java.net.useSystemProxies=true}), it would
     * answer "no proxy" for every URL, so it is not asked (each question built and parsed a URI: 5%
     * of a client's CPU per request under the throughput benchmark). Otherwise the selector is asked
     * for each request. A proxy property set after a client was made applies to the clients made
     * after it.
     */
    static boolean direct(ProxySelector proxies, Properties system) {
        boolean jdkOwn = proxies != null && proxies.getClass().getName().equals("sun.net.spi.DefaultProxySelector");
        boolean configured = PROXY_PROPERTIES.stream().anyMatch(p -> !system.getProperty(p, "").isBlank())
                || Boolean.parseBoolean(system.getProperty("java.net.useSystemProxies"));
        return jdkOwn && !configured;
    }

    /** Sends {@code request} to {@code server} and hands the reply to {@code handler}, which must read what it needs of the body. */
    <T> T execute(URI server, Request request, HttpClientResponseHandler<T> handler) throws IOException {
        // Addressed by host and path: no URI to parse, and take apart again, for every request.
        var target = new HttpHost(server.getScheme(), server.getHost(), server.getPort());
        return http.execute(target, prepare(new BasicClassicHttpRequest(request.method(), target, server.getRawPath() + request.path()), request),
                handler);
    }

    /** {@link #execute} with the reply's status and body; the body is read only for an error when {@code keepBody} is false. */
    Reply exchange(URI server, Request request, boolean keepBody) throws IOException {
        return execute(server, request, r -> reply(r, keepBody));
    }

    /**
     * {@link #exchange} for a request the server may hold open (a lease's long poll): an interrupt of
     * the calling thread ends the wait at once, as it did on {@code java.net.http}. A blocking read
     * on a platform thread does not heed interrupts, so the request runs on a virtual thread (whose
     * reads do) while the caller waits, and an interrupt aborts it.
     */
    Reply exchangeInterruptibly(URI server, Request request) throws IOException, InterruptedException {
        if (Thread.currentThread().isVirtual()) {
            return exchange(server, request, true);
        }
        var message = prepare(new HttpUriRequestBase(request.method(), URI.create(server + request.path())), request);
        var task = new FutureTask<>(() -> http.execute(message, r -> reply(r, true)));
        Thread.ofVirtual().name("tunelab-long-poll").start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            message.cancel();
            task.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (CancellationException e) {
            throw new InterruptedIOException("the request was cancelled");
        }
    }

    private static Reply reply(ClassicHttpResponse r, boolean keepBody) throws IOException {
        HttpEntity body = r.getEntity();
        if (body == null || !keepBody && r.getCode() < 400) {
            return new Reply(r.getCode(), new byte[0]);
        }
        try (InputStream in = body.getContent()) {
            return new Reply(r.getCode(), read(in, body.getContentLength()));
        }
    }

    /**
     * A reply's body: {@code length} bytes when the reply says how many, read into one array of
     * that size, else all there is. {@code readAllBytes} starts every body with a 16 KiB buffer
     * and then copies it to size: for the replies of a few hundred bytes a client gets most, that
     * was 44% of all a benchmark's client JVM allocated (JFR), and its young collections stall
     * every request in flight. A stream that ends early fails as it did before.
     */
    static byte[] read(InputStream in, long length) throws IOException {
        if (length < 0 || length > Integer.MAX_VALUE) {
            return in.readAllBytes();
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            throw new EOFException("the reply ended after " + bytes.length + " of the " + length + " bytes it announced");
        }
        return bytes;
    }

    private <M extends ClassicHttpRequest> M prepare(M message, Request request) {
        message.setHeader("Accept", "application/json");
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        if (request.requestId() != null) {
            message.setHeader(RequestId.HEADER, request.requestId());
        }
        if (request.minimal()) {
            message.setHeader("Prefer", "return=minimal");
        }
        if (request.body() != null) {
            message.setEntity(request.body());
        }
        return message;
    }

    @Override
    public void close() {
        evictor.shutdown();
        try {
            http.close();
        } catch (IOException e) {
            // Closing drops pooled connections; one that fails to close is gone anyway.
        }
    }
}
