package io.evalpipe.report.compare;

/** A report folder that is missing, incomplete or not in the format the aggregator writes. */
public final class UnreadableReportException extends Exception {

    public UnreadableReportException(String message) {
        super(message);
    }

    public UnreadableReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
