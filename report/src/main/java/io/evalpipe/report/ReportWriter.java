package io.evalpipe.report;

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
 * announce. Results that arrive after that are recorded by {@link #amend}.
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
            dir = claim(dir, runId);
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
                report.manifest().createdAt(),
                report.retried(),
                0);
    }

    /**
     * Records in a run's report folder the results that arrived after its report ({@link LateReport}),
     * and returns the summary to announce again: the same figures, the new counts. Writing the same
     * state twice changes nothing.
     *
     * @param retried every repeated result of the run, before and after the report
     * @throws UncheckedIOException when the folder cannot be written, or no longer belongs to the run
     */
    public RunSummary amend(RunSummary reported, int retried, LateResults late) {
        Path dir = Path.of(reported.reportDir());
        try {
            Path owner = dir.resolve(OWNER);
            if (!Files.exists(owner) || !Files.readString(owner, java.nio.charset.StandardCharsets.UTF_8).equals(reported.runId())) {
                throw new IOException("the folder no longer holds the report of run " + reported.runId());
            }
            LateReport.write(dir, retried, late);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record late results of run " + reported.runId() + " in " + dir + ": " + e.getMessage(), e);
        }
        log.info("Run {}: {} result(s) after its report ({} duplicate(s), {} for prompts it counts as missing), noted in {}",
                reported.runId(), late.count(), late.duplicates(), late.afterReport(), dir);
        return reported.withLate(retried, late.afterReport());
    }

    /** In each report folder: the raw id of the run the folder belongs to, written before anything else. */
    static final String OWNER = ".run-id";

    /**
     * The folder of a run's report: {@code reportsRoot/<run id>} for every id {@link Ids#isSafe}
     * accepts, which is every id the producer lets through. Any other id is still reported rather
     * than lost (it reached us, so a result exists): its other characters become {@code _}, a
     * leading dot is prefixed, the name is cut to 128 characters, and a hash of the raw id is added,
     * so that it can neither climb out of {@code reportsRoot} ({@code ../x}) nor hide its folder, nor
     * land in the folder of another run whose id sanitises the same way ({@code interview/chat/20-x}
     * and {@code interview_chat_20-x}).
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
        String hash = "-" + shortHash(runId);
        name = name.substring(0, Math.min(name.length(), MAX_DIR_NAME - hash.length())) + hash;
        log.warn("Run id {} is not a safe file name; its report folder is {}", runId, name);
        return reportsRoot.resolve(name);
    }

    /**
     * Makes {@code dir} this run's, or finds the folder that is: a folder another run's report already
     * claims is never written into (a run id chosen to look like the folder of another); this run's report
     * then goes to the name with the hash of its id added.
     */
    private static Path claim(Path dir, String runId) throws IOException {
        for (Path candidate : new Path[] {dir, dir.resolveSibling(dir.getFileName() + "-" + shortHash(runId))}) {
            Files.createDirectories(candidate);
            Path owner = candidate.resolve(OWNER);
            if (!Files.exists(owner)) {
                if (!Files.exists(candidate.resolve(SUMMARY_JSON))) { // a folder of today's, or an empty one
                    AtomicFiles.write(owner, out -> out.write(runId));
                    return candidate;
                }
            } else if (Files.readString(owner, java.nio.charset.StandardCharsets.UTF_8).equals(runId)) {
                return candidate;
            }
            log.error("Report folder {} belongs to another run; the report of {} goes elsewhere", candidate, runId);
        }
        throw new IOException("the report folders " + dir + " and its hashed variant belong to other runs");
    }

    /** 10 hex digits of the SHA-256 of the raw id. */
    static String shortHash(String runId) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(runId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
