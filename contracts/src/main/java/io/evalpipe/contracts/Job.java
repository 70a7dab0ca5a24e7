package io.evalpipe.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One prompt to evaluate. {@code params} are already merged (run defaults, then the prompt's own
 * overrides), so a worker needs nothing but the job to reproduce the generation.
 */
public record Job(
        int schemaVersion,
        String runId,
        String promptId,
        List<ChatMessage> messages,
        GenerationParams params,
        Instant enqueuedAt) {

    public Job {
        messages = List.copyOf(messages);
    }
}
