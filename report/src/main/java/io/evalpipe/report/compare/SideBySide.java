package io.evalpipe.report.compare;

import io.evalpipe.report.Escape;
import io.evalpipe.report.LatencyStats;
import io.evalpipe.report.Percentiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one table that sets runs side by side, row by row, as people build it by hand when choosing a
 * model or a setting: the model (file, size, load time, peak RSS), the pass rate with its interval,
 * E2E p50/p95/max, TTFT p50, decode rate and failures by reason, each quoted from the run's own
 * report. Shared by sweep.md/sweep.html and a compare of more than two reports, so the two can
 * never disagree on a column. The cells are built once as text, then written as Markdown or HTML.
 */
public final class SideBySide {

    /**
     * One row.
     *
     * @param number        1-based: the variant's number, or the report's position on the command line
     * @param labels        the values of the label columns (a sweep's varied keys), in their order
     * @param peakRssBytes  peak resident memory of the process that served this run alone; null where
     *                      it is not known (workers that shared a process with others)
     */
    public record Entry(int number, List<String> labels, ReportFolder report, ModelFigures model, Long peakRssBytes) {
        public Entry {
            labels = List.copyOf(labels);
        }

        /** "#2 model=b.gguf max_tokens=16", or "#2 run-id" without label columns: for the chart. */
        String title(List<String> labelColumns) {
            if (labelColumns.isEmpty()) {
                return "#" + number + " " + report.runId();
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < labelColumns.size(); i++) {
                parts.add(labelColumns.get(i) + "=" + labels.get(i));
            }
            return "#" + number + " " + String.join(" ", parts);
        }
    }

    /** A cell's text and, for the report link, where it points from each file. */
    public record Cell(String text, String mdHref, String htmlHref) {
        static Cell of(String text) {
            return new Cell(text, null, null);
        }
    }

    static final String NONE = Format.NONE;
    static final String DAGGER = "†";
    private static final double MIB = 1024.0 * 1024.0;

    private final List<String> labelColumns;
    private final List<Entry> entries;
    private final List<String> header = new ArrayList<>();
    private final List<Boolean> figure = new ArrayList<>();
    private final List<List<Cell>> rows = new ArrayList<>();

    private SideBySide(List<String> labelColumns, List<Entry> entries) {
        this.labelColumns = List.copyOf(labelColumns);
        this.entries = List.copyOf(entries);
    }

    /**
     * @param labelColumns the columns that tell the rows apart besides the run id: a sweep's varied
     *                     keys; none for a compare
     * @param linksFrom    the folder the table is written to: report links are relative to it, so
     *                     that it and the run folders can be moved or archived together
     */
    public static SideBySide of(List<String> labelColumns, List<Entry> entries, Path linksFrom) {
        SideBySide t = new SideBySide(labelColumns, entries);
        t.column("#", true);
        labelColumns.forEach(k -> t.column(k, false));
        t.column("Run", false);
        t.column("Model", false);
        List.of("File size (MiB)", "Load (ms)", "Peak RSS (MiB)", "N", "Passed", "Pass rate", "Pass rate 95% CI", "E2E N",
                "E2E p50 (ms)", "E2E p95 (ms)", "E2E max (ms)", "TTFT p50 (ms)", "Decode tok/s p50", "Mean completion tokens")
                .forEach(name -> t.column(name, true));
        t.column("Failures by reason", false);
        t.column("Report", false);
        for (Entry e : entries) {
            t.rows.add(row(e, linksFrom));
        }
        return t;
    }

    public List<String> labelColumns() {
        return labelColumns;
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<String> header() {
        return List.copyOf(header);
    }

    /** Each row's cells as text, in header order. */
    public List<List<String>> texts() {
        return rows.stream().map(r -> r.stream().map(Cell::text).toList()).toList();
    }

    /** The warning a page gives when any of its runs used the synthetic model; null when none did. */
    public String syntheticWarning() {
        return entries.stream().anyMatch(e -> e.report().syntheticModel())
                ? "synthetic model: replies are meaningless; figures measure the pipeline, not a model." : null;
    }

    /** What the columns mean, for the paragraphs under the table. */
    public static String note() {
        return "Pass rate 95% CI: Wilson score interval. Percentiles use " + Percentiles.METHOD + "; " + DAGGER
                + " marks a p95 of fewer than 20 values, which lies between the two largest. File size, TTFT p50 and"
                + " decode tok/s p50 (each result's completion tokens over its time from first to last token) are read from"
                + " each run's summary.json, load time from results.csv's model_load_ms (the slowest of the run's workers)."
                + " Peak RSS is the peak resident memory (VmHWM) of the worker process that served the run and nothing else,"
                + " read just before it stopped; " + NONE + " where the run's workers shared a process, or it was not measured.";
    }

    private static List<Cell> row(Entry e, Path linksFrom) {
        ReportFolder f = e.report();
        ReportFolder.Latency l = f.e2e();
        ModelFigures m = e.model();
        List<Cell> cells = new ArrayList<>();
        cells.add(Cell.of(String.valueOf(e.number())));
        e.labels().forEach(v -> cells.add(Cell.of(v)));
        cells.add(Cell.of(f.runId()));
        cells.add(Cell.of(f.modelFile() == null ? NONE : f.modelFile()));
        cells.add(Cell.of(mib(m.fileSizeBytes())));
        cells.add(Cell.of(m.loadMs() == null ? NONE : String.valueOf(m.loadMs())));
        cells.add(Cell.of(mib(e.peakRssBytes())));
        cells.add(Cell.of(String.valueOf(f.n())));
        cells.add(Cell.of(String.valueOf(f.passed())));
        cells.add(Cell.of(Format.percent(f.passRate())));
        cells.add(Cell.of(Format.percentInterval(f.passRateCi95())));
        cells.add(Cell.of(l == null ? "0" : String.valueOf(l.n())));
        cells.add(Cell.of(l == null ? NONE : Format.figure(l.p50())));
        cells.add(Cell.of(l == null ? NONE : Format.figure(l.p95()) + (LatencyStats.atExtreme(l.n(), 95) ? DAGGER : "")));
        cells.add(Cell.of(l == null ? NONE : Format.figure(l.max())));
        cells.add(Cell.of(Format.figure(m.ttftP50Ms())));
        cells.add(Cell.of(Format.figure(m.decodeTokensPerSecP50())));
        cells.add(Cell.of(Format.figure(f.meanCompletionTokens())));
        cells.add(Cell.of(reasons(f.failuresByReason())));
        String base = linksFrom.toAbsolutePath().normalize().relativize(f.dir().toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
        cells.add(new Cell("report", base + "/report.md", base + "/report.html"));
        return cells;
    }

    /** The table in Markdown, every text through {@link Escape#markdownCell}. */
    public String markdown() {
        StringBuilder md = new StringBuilder("|");
        header.forEach(h -> md.append(' ').append(mdCell(h)).append(" |"));
        md.append("\n|");
        figure.forEach(right -> md.append(right ? "---:|" : "---|"));
        md.append('\n');
        for (List<Cell> row : rows) {
            md.append('|');
            for (Cell c : row) {
                md.append(' ').append(c.mdHref() == null ? mdCell(c.text()) : "[" + mdCell(c.text()) + "](" + c.mdHref() + ")")
                        .append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The table in HTML, every text through {@link Escape#html}. */
    public String html() {
        StringBuilder h = new StringBuilder("<table><thead><tr>");
        for (int i = 0; i < header.size(); i++) {
            h.append("<th").append(figure.get(i) ? " class=\"r\"" : "").append('>').append(Escape.html(header.get(i))).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (List<Cell> row : rows) {
            h.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Cell c = row.get(i);
                h.append("<td").append(figure.get(i) ? " class=\"r\"" : "").append('>');
                h.append(c.htmlHref() == null ? Escape.html(c.text())
                        : "<a href=\"" + Escape.html(c.htmlHref()) + "\">" + Escape.html(c.text()) + "</a>");
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</tbody></table>\n").toString();
    }

    private void column(String name, boolean isFigure) {
        header.add(name);
        figure.add(isFigure);
    }

    private static String reasons(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, count) -> parts.add(reason + " " + count));
        return String.join(", ", parts);
    }

    private static String mib(Long bytes) {
        return bytes == null ? NONE : String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    private static String mdCell(String text) {
        return text == null ? NONE : Escape.markdownCell(text);
    }
}
