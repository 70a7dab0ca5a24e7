package io.evalpipe.aggregator;

/**
 * What the aggregator reads and writes for every result of a run. It is kept small on purpose: the
 * manifest, with every prompt id, sits in a store of its own and is read once, when the run is
 * reported, so the cost of a result does not grow with the size of its run.
 *
 * @param expected the manifest's prompt count, or -1 until the manifest arrives (results may be read first)
 * @param received distinct prompt ids with a result so far
 * @param retried  results that replaced an earlier result of the same prompt
 * @param reported true once the report is written; later results are ignored
 */
record RunProgress(int expected, int received, int retried, boolean reported) {
    static final RunProgress EMPTY = new RunProgress(-1, 0, 0, false);

    RunProgress expecting(int promptCount) {
        return new RunProgress(promptCount, received, retried, reported);
    }

    RunProgress withOneMore() {
        return new RunProgress(expected, received + 1, retried, reported);
    }

    RunProgress withRetry() {
        return new RunProgress(expected, received, retried + 1, reported);
    }

    RunProgress asReported() {
        return new RunProgress(expected, received, retried, true);
    }

    /**
     * True once every expected prompt may have a result. Whether those are the manifest's ids is
     * checked when the results are collected: a result may name a prompt the manifest does not have.
     */
    boolean mayBeComplete() {
        return expected >= 0 && received >= expected;
    }
}
