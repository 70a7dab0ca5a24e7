package io.evalpipe.aggregator;

import io.evalpipe.report.LateResults;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.report.RunReport;
import io.evalpipe.contracts.RunSummary;
import java.nio.file.Path;

/** Where a finished run goes. Production writes report files ({@link #files}); tests may keep them in memory. */
public interface ReportSink {
    /** Must be idempotent: after a crash the same report may be written again. */
    RunSummary write(RunReport report);

    /**
     * Results of the run that arrived after its report: noted beside it, every figure unchanged.
     * Must be idempotent: {@code late} is the whole state, not the newest result.
     *
     * @param retried every repeated result of the run, before and after the report
     * @return the summary to announce again
     */
    RunSummary amend(RunSummary reported, int retried, LateResults late);

    /** Report folders under {@code reportsRoot} ({@link ReportWriter}). */
    static ReportSink files(Path reportsRoot) {
        ReportWriter writer = new ReportWriter();
        return new ReportSink() {
            @Override
            public RunSummary write(RunReport report) {
                return writer.write(report, reportsRoot);
            }

            @Override
            public RunSummary amend(RunSummary reported, int retried, LateResults late) {
                return writer.amend(reported, retried, late);
            }
        };
    }
}
