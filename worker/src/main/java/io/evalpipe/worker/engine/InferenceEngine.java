package io.evalpipe.worker.engine;

/**
 * Turns one chat prompt into one completion, with timings. The worker only knows this interface, so
 * it can be tested without native code, and an engine can be tested without Kafka.
 *
 * <p>Implementations must be safe to call from several threads at once: workers in one process
 * share one engine (and so one loaded model).
 */
public interface InferenceEngine extends AutoCloseable {

    /**
     * Runs one generation to its end: a stop condition, max tokens, or the request's timeout (which
     * is not an exception: it returns what was generated with {@link FinishReason#TIMEOUT}).
     *
     * @throws InferenceException when the engine cannot produce a completion at all
     */
    Completion complete(CompletionRequest request) throws InferenceException;

    /** What this engine is and runs on, for the result's lineage and the logs. */
    EngineInfo info();

    @Override
    void close();
}
