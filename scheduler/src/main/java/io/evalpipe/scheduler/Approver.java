package io.evalpipe.scheduler;

import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes a finished run its suite's baseline: the run scheduled regressions are compared with. */
public final class Approver {
    private static final Logger log = LoggerFactory.getLogger(Approver.class);

    private final RunsTopic runsTopic;
    private final Clock clock;

    public Approver(RunsTopic runsTopic, Clock clock) {
        this.runsTopic = runsTopic;
        this.clock = clock;
    }

    /**
     * @param suite the suite to approve the run for; null: the suite the run was enqueued under
     * @param by    who approves, kept with the approval for the record
     * @throws ScheduleInputException when the run has no summary on the runs topic (unknown, or
     *                      not finished yet), or has no suite and none was given
     */
    public Approval approve(String runId, String suite, String by) {
        RunHistory history = runsTopic.read();
        RunSummary run = history.run(runId).orElseThrow(() -> new ScheduleInputException("unknown run id '" + runId + "': no finished run of that id (see `evalctl runs`)"));
        String forSuite = suite != null ? suite : run.suite();
        if (forSuite == null || forSuite.isBlank()) {
            throw new ScheduleInputException("run " + runId + " names no suite: give one with --suite");
        }
        if (run.suite() != null && !run.suite().equals(forSuite)) {
            // Allowed on purpose (a run of a renamed suite can seed the new name), but worth a second look.
            log.warn("Run {} belongs to suite {}, approving it for suite {}", runId, run.suite(), forSuite);
        }
        Approval approval = new Approval(Messages.SCHEMA_VERSION, forSuite, runId, by, clock.instant());
        runsTopic.publish(approval);
        history.approval(forSuite).ifPresent(previous ->
                log.info("Suite {}: baseline {} (approved by {}) replaced", forSuite, previous.runId(), previous.approvedBy()));
        log.info("Suite {}: run {} approved as baseline by {}", forSuite, runId, by);
        return approval;
    }
}
