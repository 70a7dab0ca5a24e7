package io.evalpipe.aggregator;

import io.evalpipe.contracts.RunManifest;

/**
 * What the aggregator remembers of a run between records (the results themselves are stored one per
 * prompt, beside it).
 *
 * @param manifest null until the manifest arrives: results may be read first
 * @param received distinct prompt ids with a result so far
 * @param reported true once the report is written; later results are ignored
 * @param retried  results that replaced an earlier result of the same prompt
 */
record RunProgress(RunManifest manifest, int received, boolean reported, int retried) {
    static final RunProgress EMPTY = new RunProgress(null, 0, false, 0);

    RunProgress withManifest(RunManifest m) {
        return new RunProgress(m, received, reported, retried);
    }

    RunProgress withOneMore() {
        return new RunProgress(manifest, received + 1, reported, retried);
    }

    RunProgress withRetry() {
        return new RunProgress(manifest, received, reported, retried + 1);
    }

    RunProgress asReported() {
        return new RunProgress(manifest, received, true, retried);
    }
}
