package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.RunManifest;
import java.util.List;

/**
 * Everything a run's report is written from: the manifest, the latest result of each prompt, and
 * the prompts that never got one.
 *
 * @param results  at most one per prompt id, in manifest order
 * @param missing  prompt ids of the manifest with no result, in manifest order
 * @param complete true when {@code missing} is empty (the deadline did not cut the run short)
 * @param retried  results that arrived for a prompt that already had one and replaced it: jobs a
 *                 worker redid after another crashed between publishing and committing. (A job
 *                 lost mid-generation is redone without a trace: its first result never existed.)
 */
public record RunReport(RunManifest manifest, List<EvalResult> results, List<String> missing, boolean complete, int retried) {
    public RunReport {
        results = List.copyOf(results);
        missing = List.copyOf(missing);
    }

    public RunReport(RunManifest manifest, List<EvalResult> results, List<String> missing, boolean complete) {
        this(manifest, results, missing, complete, 0);
    }
}
