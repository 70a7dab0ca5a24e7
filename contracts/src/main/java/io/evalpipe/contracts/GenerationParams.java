package io.evalpipe.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Sampling and mitigation settings for one generation. Every field is nullable so that a prompt's
 * {@code params} can override only what it names; {@link #overriddenBy} merges, {@link #DEFAULTS}
 * fills what nobody set.
 *
 * @param maxTokens     cap on completion tokens: the single biggest lever on tail latency
 * @param temperature   0 makes decoding greedy, and so repeatable
 * @param topP          nucleus sampling mass
 * @param topK          keep only the k most likely tokens
 * @param repeatPenalty discourages loops; 1.0 is off
 * @param seed          sampler seed, for repeatable sampling when temperature &gt; 0
 * @param stop          generation ends at the first of these strings (not included in the output)
 * @param timeoutMs     a generation running longer is cancelled and reported as {@code timeout}
 * @param outputMode    {@code free} (plain text), {@code json} (any JSON) or {@code schema}
 *                      (decoding constrained by the interview_chat grammar)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationParams(
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Double repeatPenalty,
        Long seed,
        List<String> stop,
        Long timeoutMs,
        String outputMode) {

    public static final GenerationParams NONE =
            new GenerationParams(null, null, null, null, null, null, null, null, null);

    /** What a run gets when nobody says otherwise: short, greedy, repeatable, bounded in time. */
    public static final GenerationParams DEFAULTS =
            new GenerationParams(256, 0.0, 1.0, 40, 1.0, 42L, List.of(), 120_000L, "free");

    public GenerationParams {
        stop = stop == null ? null : List.copyOf(stop);
    }

    /** Fields set in {@code override} win; the rest are kept from this. */
    public GenerationParams overriddenBy(GenerationParams override) {
        if (override == null) {
            return this;
        }
        return new GenerationParams(
                pick(override.maxTokens, maxTokens),
                pick(override.temperature, temperature),
                pick(override.topP, topP),
                pick(override.topK, topK),
                pick(override.repeatPenalty, repeatPenalty),
                pick(override.seed, seed),
                pick(override.stop, stop),
                pick(override.timeoutMs, timeoutMs),
                pick(override.outputMode, outputMode));
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
