package io.evalpipe.worker;

/**
 * A record could not be published. {@link #fatal()} ones (the worker is not authorized, not
 * authenticated, or its producer was fenced) stop the worker with one line: no retry can succeed. The
 * others (the cluster unreachable past the producer's delivery timeout, a record the broker refused)
 * concern one record: its job goes back to the queue, and the worker goes on.
 */
public class PublishException extends Exception {
    private final boolean fatal;

    PublishException(String message, Throwable cause, boolean fatal) {
        super(message, cause);
        this.fatal = fatal;
    }

    public boolean fatal() {
        return fatal;
    }
}
