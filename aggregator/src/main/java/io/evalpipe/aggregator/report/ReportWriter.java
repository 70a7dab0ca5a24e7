package io.evalpipe.aggregator.report;

import io.evalpipe.contracts.Ids;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's report folder, {@code <reportsRoot>/<run id>/}, holding {@value #RESULTS_CSV},
 * {@value #REPORT_MD}, {@value #REPORT_HTML}, {@value #SUMMARY_JSON} and, when some result did not
 * pass or was slow, {@value Snapshots#DIR}{@code /<prompt id>.json}; and returns the summary to
 * announce.
 *
 * <p>Each file is written to a temporary file beside it, then moved over the final name, so a
 * reader never sees half a file, and a report written again (a late result, a restarted
 * aggregator) replaces the previous one whole. Snapshots come first, so that the links of the
 * reports resolve; summary.json is moved last: once it is there, the others are complete. Snapshots
 * an earlier report wrote and this one no longer has are removed after it.
 */
public final class ReportWriter {

    public static final String RESULTS_CSV = "results.csv";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String REPORT_MD = "report.md";
    public static final String REPORT_HTML = "report.html";

    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_DIR_NAME = 128;

    /**
     * @return the summary of the run; its pass rate is 0 when no result arrived (the record needs a
     *         number; summary.json says null), and its E2E percentiles are null when no result has
     *         a latency
     * @throws UncheckedIOException when a folder or file cannot be written; files already moved
     *                              into place stay, temporary files are removed
     */
    public RunSummary write(RunReport report, Path reportsRoot) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(reportsRoot, "reportsRoot");
        String runId = report.manifest().runId();
        // Each run is judged by the SLO it was enqueued with; without one goodput equals the pass rate.
        RunFigures figures = RunFigures.of(report, report.manifest().slo());
        Path dir = reportDir(reportsRoot, runId).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Set<Path> snapshots = Snapshots.write(dir, report, figures);
            AtomicFiles.write(dir.resolve(RESULTS_CSV), out -> CsvReport.write(report, out));
            AtomicFiles.write(dir.resolve(REPORT_MD), out -> out.write(MarkdownReport.render(report, figures)));
            AtomicFiles.write(dir.resolve(REPORT_HTML), out -> out.write(HtmlReport.render(report, figures)));
            AtomicFiles.write(dir.resolve(SUMMARY_JSON), out -> Json.WIRE.writerWithDefaultPrettyPrinter()
                    .writeValue(out, SummaryJson.build(report, figures)));
            Snapshots.removeStale(dir, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of run " + runId + " to " + dir, e);
        }
        log.info("Wrote report of run {} to {}: {} of {} expected results, {} passed, {} missing, {} snapshot(s)",
                runId, dir, figures.n(), figures.expected(), figures.passed(), report.missing().size(),
                figures.outliers().size());
        return new RunSummary(
                Messages.SCHEMA_VERSION,
                runId,
                figures.expected(),
                figures.n(),
                figures.passed(),
                figures.passRate() == null ? 0.0 : figures.passRate(),
                report.complete(),
                report.missing(),
                figures.e2e() == null ? null : figures.e2e().p50(),
                figures.e2e() == null ? null : figures.e2e().p95(),
                dir.toString(),
                report.manifest().suite(),
                report.manifest().pool(),
                report.manifest().model() == null ? null : report.manifest().model().fileName(),
                report.manifest().createdAt());
    }

    /**
     * The folder of a run's report: {@code reportsRoot/<run id>} for every id {@link Ids#isSafe}
     * accepts, which is every id the producer lets through. Any other id is still reported rather
     * than lost (it reached us, so a result exists): its other characters become {@code _}, a
     * leading dot is prefixed and the name is cut to 128 characters, so that it can neither climb
     * out of {@code reportsRoot} ({@code ../x}) nor hide its folder.
     */
    public static Path reportDir(Path reportsRoot, String runId) {
        if (Ids.isSafe(runId) && !runId.startsWith(".")) {
            return reportsRoot.resolve(runId);
        }
        if (runId == null || runId.isEmpty()) {
            throw new IllegalArgumentException("a report needs a run id");
        }
        String name = UNSAFE.matcher(runId).replaceAll("_");
        if (name.startsWith(".")) {
            name = "_" + name;
        }
        name = name.substring(0, Math.min(name.length(), MAX_DIR_NAME));
        log.warn("Run id {} is not a safe file name; its report folder is {}", runId, name);
        return reportsRoot.resolve(name);
    }
}
