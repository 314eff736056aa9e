package io.tunelab.worker.data;

/**
 * A task named a file this worker must not read: outside its data roots, through {@code ..} or
 * a symbolic link leading out, not a regular file, or above the size cap. Raised before the
 * file is opened (or, for a file that grows, as soon as the cap is passed). Every trial of the
 * task would be refused the same way on this worker, so the experiment should stop; the message
 * names the path the task gave and how to allow it.
 */
public final class DataRefusedException extends RuntimeException {
    public DataRefusedException(String message) {
        super(message);
    }
}
