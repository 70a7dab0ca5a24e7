package io.evalpipe.worker.engine.llamaserver;

/**
 * llama-server cannot serve: there is no binary, it does not run, or it could not load the model.
 * Unchecked, like a model file that cannot be used: nothing can be retried, a person has to act, so
 * the message is one line, with the server's own reason where it gave one.
 */
public class LlamaServerException extends RuntimeException {
    public LlamaServerException(String message) {
        super(message);
    }

    public LlamaServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
