package io.evalpipe.scheduler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts as log lines: INFO when a run holds its gates, ERROR starting with {@code ALERT} when it
 * does not (or did not finish), so that a log-based alert rule needs to match one word.
 */
public final class LogAlerts implements Alerts {
    private static final Logger log = LoggerFactory.getLogger(LogAlerts.class);

    @Override
    public void report(RegressionOutcome o) {
        String details = String.join("; ", o.details());
        switch (o.status()) {
            case PASSED -> log.info("Suite {}: run {} holds its gates against baseline {}: {}. Comparison: {}",
                    o.suite(), o.runId(), o.baseline().runId(), details, o.comparison());
            case GATE_FAILED -> log.error("ALERT suite {}: run {} fails its gates against baseline {}: {}. Comparison: {}",
                    o.suite(), o.runId(), o.baseline().runId(), details, o.comparison());
            case NO_BASELINE -> log.info("Suite {}: run {} finished ({} of {} passed); no approved baseline yet, so nothing "
                    + "to compare with. Approve one with: evalctl approve {}", o.suite(), o.runId(), o.run().passed(), o.run().n(), o.runId());
            case FAILED -> log.error("ALERT suite {}: scheduled run {} failed: {}",
                    o.suite(), o.runId() == null ? "(not enqueued)" : o.runId(), details);
        }
    }
}
