package io.evalpipe.report;

import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.EvalResult;
import java.util.List;

/**
 * A worker's prefill and decode rates as its engine measured them (llama-server's {@code timings}),
 * beside the prefill rate the worker's own clock gives, over the results that carry timings.
 *
 * <p>Each rate is a ratio of sums (all tokens over all the time spent on them), the throughput over
 * the run, not a mean of per-result rates, which short prompts would dominate. Prefill counts the
 * prompt tokens the engine evaluated: a prompt cache serves a shared prefix (19 of the 20 interview
 * prompts share a 270-token system prompt) without evaluating it, so whole prompts over TTFT would
 * overstate prefill.
 *
 * @param results         results with engine timings
 * @param promptTokens    all prompt tokens of those results, cached included
 * @param cachedTokens    of which served from the prompt cache
 * @param prefillPerSec   evaluated prompt tokens / the engine's prompt time; null when none was timed
 * @param decodePerSec    decoded tokens / the engine's decode time; null when none was timed
 * @param workerPrefillPerSec evaluated prompt tokens / the worker's TTFT (which also covers the HTTP hop,
 *                        waiting for a slot and the first token's decode); null when none was timed
 */
record EngineRates(int results, long promptTokens, long cachedTokens, Double prefillPerSec, Double decodePerSec,
                   Double workerPrefillPerSec) {

    static final String DEFINITION = "Engine rates are the engine's own timings (llama-server's): evaluated prompt tokens"
            + " over its prompt time, decoded tokens over its decode time, summed over the worker's results. Cached prompt"
            + " tokens came from the prompt cache and were not evaluated. Worker prefill is the same evaluated tokens over"
            + " the worker's own TTFT, which also covers the request's way to the engine and the first token.";

    /** @return null when no result carries engine timings */
    static EngineRates of(List<EvalResult> results) {
        int n = 0;
        long prompt = 0;
        long cached = 0;
        long evaluated = 0;
        double promptMs = 0;
        long decoded = 0;
        double decodeMs = 0;
        long evaluatedWithTtft = 0;
        double ttftMs = 0;
        for (EvalResult r : results) {
            EngineTimings t = r.engineTimings();
            if (t == null) {
                continue;
            }
            n++;
            prompt += t.cachedTokens() + t.promptTokens();
            cached += t.cachedTokens();
            evaluated += t.promptTokens();
            promptMs += t.promptMs();
            decoded += t.predictedTokens();
            decodeMs += t.predictedMs();
            if (r.ttftMs() != null && r.ttftMs() > 0) {
                evaluatedWithTtft += t.promptTokens();
                ttftMs += r.ttftMs();
            }
        }
        if (n == 0) {
            return null;
        }
        return new EngineRates(n, prompt, cached, rate(evaluated, promptMs), rate(decoded, decodeMs),
                rate(evaluatedWithTtft, ttftMs));
    }

    private static Double rate(long tokens, double ms) {
        return ms > 0 && tokens > 0 ? tokens * 1000.0 / ms : null;
    }
}
