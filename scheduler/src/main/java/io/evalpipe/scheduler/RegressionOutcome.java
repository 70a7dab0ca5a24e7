package io.evalpipe.scheduler;

import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.RunSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one scheduled run came to, for {@link Alerts}.
 *
 * @param runId      null when the run could not even be enqueued
 * @param run        the run's summary; null unless it finished
 * @param baseline   the approval it was compared with; null when there was none
 * @param comparison the comparison file; null unless it was compared
 * @param details    the gates' findings, or what went wrong
 */
public record RegressionOutcome(Status status, String suite, Instant tick, String runId, RunSummary run,
                                Approval baseline, Path comparison, List<String> details) {

    public enum Status {
        /** Compared with the baseline, every gate held. */
        PASSED,
        /** Compared with the baseline, at least one gate failed: someone should look. */
        GATE_FAILED,
        /** The run finished, but no baseline has been approved for the suite yet. */
        NO_BASELINE,
        /** The run could not be enqueued, did not report in time, or could not be compared. */
        FAILED
    }

    public RegressionOutcome {
        details = List.copyOf(details);
    }

    static RegressionOutcome failed(String suite, Instant tick, String runId, RunSummary run, Approval baseline, String why) {
        return new RegressionOutcome(Status.FAILED, suite, tick, runId, run, baseline, null, List.of(why));
    }
}
