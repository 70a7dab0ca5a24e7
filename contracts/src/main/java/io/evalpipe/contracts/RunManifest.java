package io.evalpipe.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Announces a run: which prompts to expect and under which settings. Sent in the same transaction
 * as the run's jobs, so a consumer sees either the manifest and every job, or nothing.
 *
 * @param promptIds  every prompt id of the run, so that the aggregator can name the missing ones
 * @param params     the run-level parameters; a prompt's own params override them in its job
 * @param deadlineMs how long after {@code createdAt} the aggregator waits before reporting a
 *                   partial run; null means wait for every prompt
 * @param slo        the latency objectives the run's goodput is judged by; {@link Slo#NONE} (also
 *                   what a manifest without the field reads as) for none
 */
public record RunManifest(
        int schemaVersion,
        String runId,
        String suite,
        String promptSetSha256,
        int promptCount,
        List<String> promptIds,
        GenerationParams params,
        ModelInfo model,
        String pool,
        Instant createdAt,
        Long deadlineMs,
        Slo slo) {

    public RunManifest {
        promptIds = List.copyOf(promptIds);
        slo = slo == null ? Slo.NONE : slo;
    }
}
