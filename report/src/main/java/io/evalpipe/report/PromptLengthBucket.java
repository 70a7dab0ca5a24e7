package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Latency of the prompts of one length: prefill time grows with the prompt, so a run's TTFT and E2E
 * mean little without knowing how long its prompts were. Buckets by prompt tokens (as the engine
 * counted them): at most 256, at most 512, at most 1024, and more; every bucket is listed, empty or
 * not, so that two reports line up.
 *
 * @param label "≤256", "≤512", "≤1024" or ">1024"
 * @param n     results of the latency population in the bucket
 * @param ttft  null when none of them has a TTFT
 * @param e2e   null when the bucket is empty
 */
record PromptLengthBucket(String label, int n, LatencyStats ttft, LatencyStats e2e) {

    static final String DEFINITION = "buckets by prompt tokens as the engine counted them (≤256, ≤512, ≤1024, >1024;"
            + " bounds inclusive), over the latency population; TTFT percentiles cover the bucket's results that have a TTFT.";

    /** Upper bounds, inclusive; the last bucket takes everything above the last bound. */
    static final int[] BOUNDS = {256, 512, 1024};

    /** @param timed the latency population (results with an E2E value; see {@link RunFigures#LATENCY_POPULATION}) */
    static List<PromptLengthBucket> of(List<EvalResult> timed) {
        List<PromptLengthBucket> buckets = new ArrayList<>();
        int lower = Integer.MIN_VALUE;
        for (int i = 0; i <= BOUNDS.length; i++) {
            int lo = lower;
            int hi = i < BOUNDS.length ? BOUNDS[i] : Integer.MAX_VALUE;
            List<EvalResult> members = timed.stream().filter(r -> r.promptTokens() > lo && r.promptTokens() <= hi).toList();
            String label = i < BOUNDS.length ? "≤" + hi : ">" + BOUNDS[BOUNDS.length - 1];
            buckets.add(new PromptLengthBucket(label, members.size(),
                    LatencyStats.of(members.stream().map(EvalResult::ttftMs).toList()),
                    LatencyStats.of(members.stream().map(EvalResult::e2eMs).toList())));
            lower = hi;
        }
        return List.copyOf(buckets);
    }
}
