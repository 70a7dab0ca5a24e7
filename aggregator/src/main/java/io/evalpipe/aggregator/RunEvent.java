package io.evalpipe.aggregator;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.RunManifest;

/** Manifests and results merged into one stream, so that one processor sees a run's whole story in order. */
record RunEvent(RunManifest manifest, EvalResult result) {
    static RunEvent of(RunManifest manifest) {
        return new RunEvent(manifest, null);
    }

    static RunEvent of(EvalResult result) {
        return new RunEvent(null, result);
    }
}
