package io.evalpipe.contracts;

/**
 * What the engine itself measured for one generation, beside the worker's own TTFT and E2E: llama-server's
 * {@code timings} object. The worker's clocks include the HTTP hop and queueing for a slot; these do not,
 * and they are the only place that says how much of the prompt was served from the prompt cache.
 *
 * @param cachedTokens    prompt tokens reused from the slot's cache, not evaluated ({@code cache_n})
 * @param promptTokens    prompt tokens evaluated for this request ({@code prompt_n}); with {@code
 *                        cachedTokens} the whole prompt
 * @param promptMs        time spent evaluating them ({@code prompt_ms})
 * @param predictedTokens tokens decoded ({@code predicted_n})
 * @param predictedMs     time spent decoding them ({@code predicted_ms})
 */
public record EngineTimings(int cachedTokens, int promptTokens, double promptMs, int predictedTokens, double predictedMs) {

    /** Evaluated prompt tokens per second of prompt evaluation (prefill); null when nothing was timed. */
    public Double prefillTokensPerSecond() {
        return promptMs > 0 && promptTokens > 0 ? promptTokens * 1000.0 / promptMs : null;
    }

    /** Decoded tokens per second of decoding; null when nothing was timed. */
    public Double decodeTokensPerSecond() {
        return predictedMs > 0 && predictedTokens > 0 ? predictedTokens * 1000.0 / predictedMs : null;
    }
}
