package io.evalpipe.sweep;

import io.evalpipe.report.compare.Interval;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.Escape;
import io.evalpipe.report.LatencyStats;
import io.evalpipe.report.Percentiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * sweep.md and sweep.html: one row per variant with its parameters and its run's figures, read back
 * from the run's summary.json so that the sweep quotes exactly what each report says. The rows are
 * built once as text cells, so the two files cannot disagree.
 */
public final class SweepReport {
    public static final String MARKDOWN = "sweep.md";
    public static final String HTML = "sweep.html";

    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final String NONE = "—";
    private static final String DAGGER = "†";
    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
            + "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}"
            + "th{background:#f3f3f3}.r{text-align:right}.note{color:#555;font-size:.9em}"
            + ".warn{background:#fff3cd;border:1px solid #e0c060;padding:.5rem}";

    /** A variant and the report its run wrote. */
    public record Entry(SweepPlan.Variant variant, ReportFolder report) {}

    /** A cell's text and, for the report link, where it points from each file. */
    private record Cell(String text, String mdHref, String htmlHref) {
        static Cell of(String text) {
            return new Cell(text, null, null);
        }
    }

    private final String title;
    private final List<String> header = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<List<Cell>> rows = new ArrayList<>();
    private final List<String> notes;
    private final String warning;

    private SweepReport(String title, List<String> notes, String warning) {
        this.title = title;
        this.notes = List.copyOf(notes);
        this.warning = warning;
    }

    /** A new folder {@code sweep-<UTC time>} under {@code reports}; a second sweep in the same second gets a suffix. */
    public static Path createFolder(Path reports, Instant started) throws IOException {
        Files.createDirectories(reports);
        String name = "sweep-" + FOLDER_TIME.format(started);
        for (int i = 1; ; i++) {
            try {
                return Files.createDirectory(reports.resolve(i == 1 ? name : name + "-" + i));
            } catch (FileAlreadyExistsException e) {
                // Taken by a sweep started in the same second: try the next suffix.
            }
        }
    }

    /**
     * @param notes paragraphs shown under the table: the fixed parameters, how the variants ran,
     *              which prompts override a varied key
     * @return the two files written
     */
    public static List<Path> write(Path dir, List<String> keys, List<Entry> entries, List<String> notes) throws IOException {
        boolean synthetic = entries.stream().anyMatch(e -> e.report().syntheticModel());
        SweepReport r = new SweepReport("Sweep: " + dir.getFileName(), notes,
                synthetic ? "synthetic model: replies are meaningless; figures measure the pipeline, not a model." : null);
        r.column("#", true);
        keys.forEach(k -> r.column(k, false));
        r.column("Run", false);
        List.of("N", "Passed", "Pass rate", "Pass rate 95% CI", "E2E N", "E2E p50 (ms)", "E2E p95 (ms)", "E2E max (ms)",
                "Mean completion tokens").forEach(name -> r.column(name, true));
        r.column("Failures by reason", false);
        r.column("Report", false);
        for (Entry e : entries) {
            r.rows.add(r.row(dir, keys, e));
        }
        Path md = dir.resolve(MARKDOWN);
        Path html = dir.resolve(HTML);
        Files.writeString(md, r.markdown(), StandardCharsets.UTF_8);
        Files.writeString(html, r.html(), StandardCharsets.UTF_8);
        return List.of(md, html);
    }

    private List<Cell> row(Path dir, List<String> keys, Entry e) {
        ReportFolder f = e.report();
        ReportFolder.Latency l = f.e2e();
        List<Cell> cells = new ArrayList<>();
        cells.add(Cell.of(String.valueOf(e.variant().number())));
        keys.forEach(k -> cells.add(Cell.of(e.variant().values().get(k))));
        cells.add(Cell.of(f.runId()));
        cells.add(Cell.of(String.valueOf(f.n())));
        cells.add(Cell.of(String.valueOf(f.passed())));
        cells.add(Cell.of(percent(f.passRate())));
        cells.add(Cell.of(percentInterval(f.passRateCi95())));
        cells.add(Cell.of(l == null ? "0" : String.valueOf(l.n())));
        cells.add(Cell.of(l == null ? NONE : ms(l.p50())));
        cells.add(Cell.of(l == null ? NONE : ms(l.p95()) + (LatencyStats.atExtreme(l.n(), 95) ? DAGGER : "")));
        cells.add(Cell.of(l == null ? NONE : ms(l.max())));
        cells.add(Cell.of(f.meanCompletionTokens() == null ? NONE : ms(f.meanCompletionTokens())));
        cells.add(Cell.of(reasons(f.failuresByReason())));
        // Relative links, so the sweep folder and the run folders can be moved or archived together.
        String base = dir.toAbsolutePath().normalize().relativize(f.dir().toAbsolutePath().normalize()).toString().replace('\\', '/');
        cells.add(new Cell("report", base + "/report.md", base + "/report.html"));
        return cells;
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# " + mdCell(title) + "\n\n");
        if (warning != null) {
            md.append("> **Warning:** ").append(mdCell(warning)).append("\n\n");
        }
        md.append('|');
        header.forEach(h -> md.append(' ').append(mdCell(h)).append(" |"));
        md.append("\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(isFigureColumn(i) ? "---:|" : "---|");
        }
        md.append('\n');
        for (List<Cell> row : rows) {
            md.append('|');
            for (Cell c : row) {
                md.append(' ').append(c.mdHref() == null ? mdCell(c.text()) : "[" + mdCell(c.text()) + "](" + c.mdHref() + ")").append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        notes.forEach(n -> md.append(mdCell(n)).append("\n\n"));
        return md.toString();
    }

    private String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                + "<title>" + Escape.html(title) + "</title><style>" + STYLE + "</style></head><body>\n");
        h.append("<h1>").append(Escape.html(title)).append("</h1>\n");
        if (warning != null) {
            h.append("<p class=\"warn\"><strong>Warning:</strong> ").append(Escape.html(warning)).append("</p>\n");
        }
        h.append("<table><thead><tr>");
        for (int i = 0; i < header.size(); i++) {
            h.append("<th").append(isFigureColumn(i) ? " class=\"r\"" : "").append('>').append(Escape.html(header.get(i))).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (List<Cell> row : rows) {
            h.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Cell c = row.get(i);
                h.append("<td").append(isFigureColumn(i) ? " class=\"r\"" : "").append('>');
                h.append(c.htmlHref() == null ? Escape.html(c.text())
                        : "<a href=\"" + Escape.html(c.htmlHref()) + "\">" + Escape.html(c.text()) + "</a>");
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
        notes.forEach(n -> h.append("<p class=\"note\">").append(Escape.html(n)).append("</p>\n"));
        return h.append("</body></html>\n").toString();
    }

    private void column(String name, boolean figure) {
        header.add(name);
        rightAligned.add(figure);
    }

    private boolean isFigureColumn(int column) {
        return rightAligned.get(column);
    }

    public static String notePercentiles() {
        return "Pass rate 95% CI: Wilson score interval. E2E percentiles use " + Percentiles.METHOD
                + "; " + DAGGER + " marks a p95 of fewer than 20 values, which lies between the two largest."
                + " Figures are read from each run's summary.json.";
    }

    private static String reasons(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, count) -> parts.add(reason + " " + count));
        return String.join(", ", parts);
    }

    private static String percent(Double ratio) {
        return ratio == null ? NONE : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    private static String percentInterval(Interval ci) {
        return ci == null ? NONE : "[" + percent(ci.lo()) + ", " + percent(ci.hi()) + "]";
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Text as Markdown shows it literally, in one table cell (the run report's escaping). */
    private static String mdCell(String text) {
        return text == null ? NONE : Escape.markdownCell(text);
    }
}
