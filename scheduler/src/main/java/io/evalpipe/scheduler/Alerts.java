package io.evalpipe.scheduler;

/**
 * Where the scheduler reports each run's outcome. The service logs them ({@link LogAlerts}); a
 * chat or paging hook is another implementation of this one method.
 */
public interface Alerts {
    void report(RegressionOutcome outcome);
}
