package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;

/** Decode throughput of one result, in tokens per second. */
final class TokenRate {

    static final String DEFINITION = "decode throughput per result, in tokens per second:"
            + " completion_tokens / ((e2e_ms - ttft_ms) / 1000), i.e. the tokens of the reply over the time from its"
            + " first token to its last (prompt processing, which TTFT covers, is excluded)."
            + " Undefined, and the result skipped, when e2e_ms or ttft_ms is missing, when e2e_ms <= ttft_ms,"
            + " or when completion_tokens < 2 (a one-token reply has no decode phase: its e2e_ms - ttft_ms is"
            + " finishing overhead, and dividing by it gives an arbitrarily large rate)."
            + " It counts the first token too, so it is completion_tokens / (completion_tokens - 1) times 1000 / tpot_ms.";

    private TokenRate() {}

    /** @return null where the rate is undefined (see {@link #DEFINITION}) */
    static Double of(EvalResult r) {
        if (r.e2eMs() == null || r.ttftMs() == null || r.completionTokens() < 2) {
            return null;
        }
        double decodeMs = r.e2eMs() - r.ttftMs();
        if (!(decodeMs > 0)) {
            return null;
        }
        return r.completionTokens() / (decodeMs / 1000.0);
    }
}
