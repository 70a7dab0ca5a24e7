package io.evalpipe.worker;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.ParamChecks;
import io.evalpipe.contracts.assertions.AssertionRules;
import java.time.Duration;

/**
 * What a worker agrees to run, checked on every job it takes: the producer's own rules ({@link
 * ParamChecks}, {@link AssertionRules}), and this worker's caps. A job arrives from a queue anyone with access can write to:
 * a {@code max_tokens} of a billion would decode far past the context, a timeout of centuries would
 * hold a slot for good.
 *
 * @param maxTokens  the most tokens a job may ask to generate; by default a slot's context
 * @param maxTimeout the longest a job may ask to run
 */
public record JobLimits(int maxTokens, Duration maxTimeout) {

    public static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofMinutes(10);

    public JobLimits {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("the job token cap must be at least 1, not " + maxTokens);
        }
        if (maxTimeout.isNegative() || maxTimeout.isZero()) {
            throw new IllegalArgumentException("the job timeout cap must be positive, not " + maxTimeout);
        }
    }

    /** The defaults for an engine: its slot's context (or the largest max_tokens anywhere), and {@link #DEFAULT_MAX_TIMEOUT}. */
    public static JobLimits forEngine(io.evalpipe.worker.engine.EngineInfo info) {
        return new JobLimits(info.contextSize() > 0 ? info.contextSize() : ParamChecks.MAX_TOKENS, DEFAULT_MAX_TIMEOUT);
    }

    /** @return null when the job may run, else what is wrong with it, as a dead-letter reason */
    public String problem(Job job) {
        GenerationParams p = GenerationParams.DEFAULTS.overriddenBy(job.params());
        String rule = ParamChecks.problem(p);
        if (rule != null) {
            return "job parameter out of range: " + rule;
        }
        if (p.maxTokens() > maxTokens) {
            return "job parameter over this worker's cap: max_tokens " + p.maxTokens() + " > " + maxTokens
                    + " (--max-job-tokens; by default the slot's context)";
        }
        if (p.timeoutMs() > maxTimeout.toMillis()) {
            return "job parameter over this worker's cap: timeout_ms " + p.timeoutMs() + " > " + maxTimeout.toMillis()
                    + " (--max-job-timeout)";
        }
        // A prompt's own and the run's: the producer caps each list, so a job never has more than both.
        if (job.assertions().size() > 2 * AssertionRules.MAX_PER_LIST) {
            return "job has " + job.assertions().size() + " assertions, more than " + 2 * AssertionRules.MAX_PER_LIST;
        }
        String assertion = AssertionRules.problem(job.assertions());
        return assertion == null ? null : "job assertion cannot be checked: " + assertion;
    }
}
