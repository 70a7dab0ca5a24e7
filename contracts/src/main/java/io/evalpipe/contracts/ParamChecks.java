package io.evalpipe.contracts;

import java.util.Set;

/**
 * Range checks for generation parameters, shared by prompt files, command-line options, suite files
 * and the worker, which checks every job it takes with the same rules: a value rejected in one place
 * is rejected in all, and a job that reached the queue some other way (an older producer, a hand-made
 * record) is refused by the worker rather than run.
 */
public final class ParamChecks {
    private static final Set<String> OUTPUT_MODES = Set.of("free", "json", "schema");
    /** The most tokens any job may ask for; a worker's own cap (its context) is usually lower. */
    public static final int MAX_TOKENS = 32_768;

    private ParamChecks() {}

    /** @return null when every set field is in range, else "field: what is wrong" */
    public static String problem(GenerationParams p) {
        if (p.maxTokens() != null && (p.maxTokens() < 1 || p.maxTokens() > MAX_TOKENS)) {
            return "max_tokens: must be between 1 and " + MAX_TOKENS + ", got " + p.maxTokens();
        }
        if (p.temperature() != null && (p.temperature() < 0 || p.temperature() > 2 || p.temperature().isNaN())) {
            return "temperature: must be between 0 and 2, got " + p.temperature();
        }
        if (p.topP() != null && (!(p.topP() > 0) || p.topP() > 1)) {
            return "top_p: must be in (0, 1], got " + p.topP();
        }
        if (p.topK() != null && p.topK() < 0) {
            return "top_k: must be 0 (off) or more, got " + p.topK();
        }
        if (p.repeatPenalty() != null && (!(p.repeatPenalty() > 0) || p.repeatPenalty() > 10)) {
            return "repeat_penalty: must be in (0, 10], got " + p.repeatPenalty();
        }
        if (p.timeoutMs() != null && p.timeoutMs() < 1) {
            return "timeout_ms: must be positive, got " + p.timeoutMs();
        }
        if (p.stop() != null && (p.stop().size() > 16 || p.stop().stream().anyMatch(s -> s == null || s.isEmpty()))) {
            return "stop: at most 16 non-empty strings";
        }
        if (p.outputMode() != null && !OUTPUT_MODES.contains(p.outputMode())) {
            return "output_mode: must be free, json or schema, got '" + p.outputMode() + "'";
        }
        return null;
    }
}
