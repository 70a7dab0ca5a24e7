package io.evalpipe.sweep;

import io.evalpipe.report.compare.ModelFigures;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.SideBySide;
import io.evalpipe.report.compare.SideBySidePage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * sweep.md and sweep.html: one row per variant with its varied values and its run's figures, read
 * back from the run's report so that the sweep quotes exactly what each report says. The table is
 * {@link SideBySide}, the one a compare of several reports writes too; with {@code model} among the
 * varied keys it reads per model.
 */
public final class SweepReport {
    public static final String MARKDOWN = "sweep.md";
    public static final String HTML = "sweep.html";

    /**
     * A variant and the report its run wrote.
     *
     * @param peakRssBytes peak resident memory of the worker process that served this variant's model
     *                     alone; null where the workers shared the sweep's own process
     */
    public record Entry(SweepPlan.Variant variant, ReportFolder report, ModelFigures model, Long peakRssBytes) {}

    private SweepReport() {}

    /** A new folder {@code sweep-<UTC time>} under {@code reports}; a second sweep in the same second gets a suffix. */
    public static Path createFolder(Path reports, Instant started) throws IOException {
        return SideBySidePage.createFolder(reports, "sweep", started);
    }

    /**
     * @param notes paragraphs shown under the table: the fixed parameters, how the variants ran,
     *              which prompts override a varied key
     * @return the two files written
     */
    public static List<Path> write(Path dir, List<String> keys, List<Entry> entries, List<String> notes) throws IOException {
        SideBySidePage page = new SideBySidePage("Sweep: " + dir.getFileName(), table(dir, keys, entries), notes);
        return page.write(dir.resolve(MARKDOWN), dir.resolve(HTML));
    }

    static SideBySide table(Path dir, List<String> keys, List<Entry> entries) {
        List<SideBySide.Entry> rows = entries.stream().map(e -> new SideBySide.Entry(e.variant().number(),
                keys.stream().map(k -> e.variant().values().get(k)).toList(), e.report(), e.model(), e.peakRssBytes())).toList();
        return SideBySide.of(keys, rows, dir);
    }

    /** What the columns mean, for the last paragraph under the table. */
    public static String notePercentiles() {
        return SideBySide.note();
    }
}
