package io.evalpipe.aggregator;

import io.evalpipe.report.LateResult;
import io.evalpipe.report.LateResults;
import io.evalpipe.contracts.RunSummary;

/**
 * What the aggregator reads and writes for every result of a run. It is kept small on purpose: the
 * manifest, with every prompt id, sits in a store of its own and is read once, when the run is
 * reported, so the cost of a result does not grow with the size of its run.
 *
 * @param expected the manifest's prompt count, or -1 until the manifest arrives (results may be read first)
 * @param received distinct prompt ids with a result so far
 * @param retried  results that repeated a prompt which already had one, before or after the report
 * @param reported true once the report is written; later results change no figure
 * @param summary  the summary announced for the run; null until it is reported
 * @param late     results that arrived after the report
 */
record RunProgress(int expected, int received, int retried, boolean reported, RunSummary summary, LateResults late) {
    static final RunProgress EMPTY = new RunProgress(-1, 0, 0, false, null, LateResults.NONE);

    RunProgress {
        late = late == null ? LateResults.NONE : late; // progress stored before late results were kept
    }

    RunProgress expecting(int promptCount) {
        return new RunProgress(promptCount, received, retried, reported, summary, late);
    }

    RunProgress withOneMore() {
        return new RunProgress(expected, received + 1, retried, reported, summary, late);
    }

    RunProgress withRetry() {
        return new RunProgress(expected, received, retried + 1, reported, summary, late);
    }

    RunProgress asReported(RunSummary announced) {
        return new RunProgress(expected, received, retried, true, announced, late);
    }

    /** A result after the report: a duplicate is a retry too. */
    RunProgress withLate(LateResult r) {
        int retries = r.kind() == LateResult.Kind.DUPLICATE ? retried + 1 : retried;
        return new RunProgress(expected, received, retries, reported, summary, late.with(r));
    }

    RunProgress announcing(RunSummary announced) {
        return new RunProgress(expected, received, retried, reported, announced, late);
    }

    /**
     * True once every expected prompt may have a result. Whether those are the manifest's ids is
     * checked when the results are collected: a result may name a prompt the manifest does not have.
     */
    boolean mayBeComplete() {
        return expected >= 0 && received >= expected;
    }
}
