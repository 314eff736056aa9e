package io.tunelab.server.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A response body written as a stream by blocking code: the writer runs on an executor (a
 * virtual thread) and its bytes reach the client in chunks of {@value #CHUNK_BYTES} bytes, each
 * written before the next is taken, so a body of any size holds one chunk in memory however
 * slowly the client reads. A client that goes away ends the writer with an {@link IOException};
 * the connection is then reset, since the status line has gone out already.
 */
final class StreamedBody extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedBody.class);
    static final int CHUNK_BYTES = 64 * 1024;

    /** Writes a body to an output stream; the stream is not to be closed by it. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private final HttpServerResponse response;
    private final Context context;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int size;
    private long written;

    private StreamedBody(HttpServerResponse response, Context context) {
        this.response = response;
        this.context = context;
    }

    /**
     * Sends the response's status and headers, as set, then runs {@code writer} on {@code executor}
     * and ends the response when it returns. Call on the request's event-loop context.
     */
    static void send(HttpServerResponse response, Executor executor, Writer writer) {
        Context context = Vertx.currentContext();
        response.setChunked(true);
        executor.execute(() -> {
            var body = new StreamedBody(response, context);
            try {
                writer.write(body);
                body.writeChunk();
                body.await(response::end);
            } catch (IOException | RuntimeException e) {
                LOG.info("a streamed response stopped after {} bytes: {}", body.written, e.toString());
                context.runOnContext(v -> response.reset());
            }
        });
    }

    @Override
    public void write(int b) throws IOException {
        if (size == CHUNK_BYTES) {
            writeChunk();
        }
        chunk[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (size == CHUNK_BYTES) {
                writeChunk();
            }
            int n = Math.min(len, CHUNK_BYTES - size);
            System.arraycopy(b, off, chunk, size, n);
            size += n;
            off += n;
            len -= n;
        }
    }

    private void writeChunk() throws IOException {
        if (size > 0) {
            Buffer data = Buffer.buffer(Arrays.copyOf(chunk, size));
            written += size;
            size = 0;
            await(() -> response.write(data));
        }
    }

    /** Runs a write on the event loop and waits until it is done. */
    private void await(Supplier<Future<Void>> write) throws IOException {
        var done = new CompletableFuture<Void>();
        context.runOnContext(v -> write.get().onComplete(r -> {
            if (r.succeeded()) {
                done.complete(null);
            } else {
                done.completeExceptionally(r.cause());
            }
        }));
        try {
            done.get();
        } catch (ExecutionException e) {
            throw new IOException("the client went away: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a response");
        }
    }
}
