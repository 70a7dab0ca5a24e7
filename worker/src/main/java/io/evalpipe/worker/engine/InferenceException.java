package io.evalpipe.worker.engine;

/** The engine could not produce a completion (as opposed to a completion that is wrong). */
public class InferenceException extends Exception {
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InferenceException(String message) {
        super(message);
    }
}
