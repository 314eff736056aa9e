package io.tunelab.server.experiment;

import java.io.OutputStream;

/**
 * An output stream that counts the bytes written to it and keeps none: the length of a stored
 * model that has no recorded size, read through once. Not thread-safe.
 */
final class CountedBytes extends OutputStream {
    private long bytes;

    @Override
    public void write(int b) {
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes += len;
    }

    /** How many bytes were written so far. */
    long bytes() {
        return bytes;
    }
}
