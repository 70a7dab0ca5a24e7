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
 * @param retried    results that repeated a prompt which already had one: jobs a worker redid (a
 *                   crash, a lost lock), before or after the report; they replace the earlier result
 *                   before it and change no figure after it
 * @param late       first results of prompts the report counted as missing, which arrived after it
 *                   (a deadline report); they change no figure either
 *
 * <p>Published again, with the same figures, whenever a result of the run arrives after its report.
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
        Instant createdAt,
        int retried,
        int late) {

    public RunSummary {
        missing = List.copyOf(missing);
    }

    /** This summary with the counts of results that arrived after the report. */
    public RunSummary withLate(int retried, int late) {
        return new RunSummary(schemaVersion, runId, expected, n, passed, passRate, complete, missing, e2eP50Ms, e2eP95Ms, reportDir,
                suite, pool, modelFile, createdAt, retried, late);
    }
}
