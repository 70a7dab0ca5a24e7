package io.evalpipe.aggregator;

import io.evalpipe.aggregator.report.RunReport;
import io.evalpipe.contracts.RunSummary;

/** Where a finished run goes. Production writes report files; tests may keep them in memory. */
@FunctionalInterface
public interface ReportSink {
    /** Must be idempotent: after a crash the same report may be written again. */
    RunSummary write(RunReport report);
}
