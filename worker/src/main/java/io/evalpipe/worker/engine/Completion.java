package io.evalpipe.worker.engine;

import io.evalpipe.contracts.EngineTimings;

/**
 * One finished generation. Times come from {@link System#nanoTime()} on the machine that ran it.
 *
 * @param promptTokens     the whole rendered prompt, as the model's tokenizer counts it (cached
 *                         prefix included)
 * @param completionTokens the tokens decoded, as the model's tokenizer counts them, not streamed chunks
 * @param ttftNanos        request start to first token; null when no token came
 * @param e2eNanos         request start to the end of generation
 * @param grammarApplied   true when the request's jsonSchema was turned into a grammar and used
 * @param engineTimings    the engine's own timings, where it reports them (llama-server); else null
 */
public record Completion(
        String text,
        int promptTokens,
        int completionTokens,
        FinishReason finishReason,
        Long ttftNanos,
        long e2eNanos,
        boolean grammarApplied,
        EngineTimings engineTimings) {

    /** A completion from an engine that reports no timings of its own. */
    public Completion(String text, int promptTokens, int completionTokens, FinishReason finishReason, Long ttftNanos,
                      long e2eNanos, boolean grammarApplied) {
        this(text, promptTokens, completionTokens, finishReason, ttftNanos, e2eNanos, grammarApplied, null);
    }
}
