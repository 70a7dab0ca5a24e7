package io.evalpipe.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Published once per run when its report is on disk: enough for a waiting {@code evalctl run} to
 * print the outcome and for later tooling to list runs without reading report folders.
 *
 * @param complete   false when the deadline passed before every prompt had a result
 * @param missing    prompt ids with no result when the report was written
 * @param reportDir  the report folder on the aggregator's machine
 * @param suite      the suite the run belongs to, so a scheduler can find the suite's runs
 * @param modelFile  the model's file name (or server model name), to tell runs apart in listings
 * @param createdAt  when the run was enqueued
 */
public record RunSummary(
        int schemaVersion,
        String runId,
        int expected,
        int n,
        int passed,
        double passRate,
        boolean complete,
        List<String> missing,
        Double e2eP50Ms,
        Double e2eP95Ms,
        String reportDir,
        String suite,
        String pool,
        String modelFile,
        Instant createdAt) {

    public RunSummary {
        missing = List.copyOf(missing);
    }
}
