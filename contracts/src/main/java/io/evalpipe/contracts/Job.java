package io.evalpipe.contracts;

import io.evalpipe.contracts.assertions.Assertion;
import java.time.Instant;
import java.util.List;

/**
 * One prompt to evaluate. {@code params} are already merged (run defaults, then the prompt's own
 * overrides), so a worker needs nothing but the job to reproduce the generation.
 *
 * @param assertions what a schema-valid reply must also satisfy to pass: the prompt's own {@code
 *                   expect}, then the run's ({@code --assert}, a suite's {@code assert}); empty for
 *                   none, which is also what a job written before the field existed reads as
 */
public record Job(
        int schemaVersion,
        String runId,
        String promptId,
        List<ChatMessage> messages,
        GenerationParams params,
        Instant enqueuedAt,
        List<Assertion> assertions) {

    public Job {
        messages = List.copyOf(messages);
        assertions = assertions == null ? List.of() : List.copyOf(assertions);
    }

    /** A job without assertions: the reply passes when it is valid against the schema. */
    public Job(int schemaVersion, String runId, String promptId, List<ChatMessage> messages, GenerationParams params,
               Instant enqueuedAt) {
        this(schemaVersion, runId, promptId, messages, params, enqueuedAt, List.of());
    }
}
