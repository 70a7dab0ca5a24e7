package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Messages;
import io.evalpipe.worker.engine.EngineInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobLimitsTest {
    private static final JobLimits LIMITS = new JobLimits(4096, Duration.ofMinutes(10));

    private static Job job(Integer maxTokens, Long timeoutMs, Double temperature) {
        return new Job(Messages.SCHEMA_VERSION, "r", "p", List.of(new ChatMessage("user", "hi")),
                new GenerationParams(maxTokens, temperature, null, null, null, null, null, timeoutMs, null), Instant.EPOCH);
    }

    @Test
    void shouldLetAJobWithinTheRulesAndCapsRunIncludingOneAtExactlyTheCaps() {
        assertThat(LIMITS.problem(job(null, null, null))).isNull();
        assertThat(LIMITS.problem(job(4096, 600_000L, 0.7))).isNull();
    }

    @Test
    void shouldRefuseWhatTheProducerWouldRefuseWithTheSameRule() {
        assertThat(LIMITS.problem(job(0, null, null))).isEqualTo("job parameter out of range: max_tokens: must be between 1 and 32768, got 0");
        assertThat(LIMITS.problem(job(null, null, 3.0))).isEqualTo("job parameter out of range: temperature: must be between 0 and 2, got 3.0");
        assertThat(LIMITS.problem(job(null, -5L, null))).isEqualTo("job parameter out of range: timeout_ms: must be positive, got -5");
    }

    @Test
    void shouldRefuseWhatExceedsThisWorkersCapsByOne() {
        assertThat(LIMITS.problem(job(4097, null, null)))
                .isEqualTo("job parameter over this worker's cap: max_tokens 4097 > 4096 (--max-job-tokens; by default the slot's context)");
        assertThat(LIMITS.problem(job(null, 600_001L, null)))
                .isEqualTo("job parameter over this worker's cap: timeout_ms 600001 > 600000 (--max-job-timeout)");
    }

    @Test
    void shouldCapTokensAtTheEnginesContextOrTheLargestAllowedWhenUnknown() {
        assertThat(JobLimits.forEngine(new EngineInfo("llamacpp", "cpu", null, 1, 0, 2048)).maxTokens()).isEqualTo(2048);
        assertThat(JobLimits.forEngine(new EngineInfo("openai", "host", null, 0, 0)).maxTokens()).isEqualTo(32_768);
        assertThat(JobLimits.forEngine(new EngineInfo("openai", "host", null, 0, 0)).maxTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new JobLimits(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
