package io.evalpipe.aggregator;

import io.evalpipe.contracts.RunManifest;

/**
 * What the aggregator remembers of a run between records (the results themselves are stored one per
 * prompt, beside it).
 *
 * @param manifest null until the manifest arrives: results may be read first
 * @param received distinct prompt ids with a result so far
 * @param reported true once the report is written; later results are ignored
 */
record RunProgress(RunManifest manifest, int received, boolean reported) {
    static final RunProgress EMPTY = new RunProgress(null, 0, false);

    RunProgress withManifest(RunManifest m) {
        return new RunProgress(m, received, reported);
    }

    RunProgress withOneMore() {
        return new RunProgress(manifest, received + 1, reported);
    }

    RunProgress asReported() {
        return new RunProgress(manifest, received, true);
    }
}
