package io.evalpipe.worker.engine;

/**
 * The engine cannot be reached right now: the connection was refused, the server is loading or
 * restarting, a stream broke off. The job is not at fault, so it must not be failed or dead-lettered:
 * the worker backs off and hands the job back to the queue to be run later.
 */
public class EngineUnavailableException extends InferenceException {
    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineUnavailableException(String message) {
        super(message);
    }
}
