package io.evalpipe.aggregator;

import io.evalpipe.contracts.RunManifest;

/** Manifests and results merged into one stream, so that one processor sees a run's whole story in order. */
record RunEvent(RunManifest manifest, ReceivedResult result) {
    static RunEvent of(RunManifest manifest) {
        return new RunEvent(manifest, null);
    }

    static RunEvent of(ReceivedResult result) {
        return new RunEvent(null, result);
    }
}
