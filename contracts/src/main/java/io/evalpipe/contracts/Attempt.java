package io.evalpipe.contracts;

import java.time.Instant;

/**
 * How often one job has been started on an engine without its result being published: the value of
 * {@link Topics#attempts()} under {@code <run id>/<prompt id>}, rewritten (compacted) each time.
 *
 * @param started starts that have not ended in a result or a clean hand-back: each one that ended its
 *                worker (a crash, the OOM killer) is still counted
 * @param worker  the worker that wrote this value
 */
public record Attempt(int schemaVersion, String runId, String promptId, int started, String worker, Instant at) {

    public static String key(String runId, String promptId) {
        return runId + "/" + promptId;
    }
}
