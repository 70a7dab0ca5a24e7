package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.RunManifest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * report.html: the run in one file a browser opens from disk or an e-mail, with no CSS, script or
 * font fetched from anywhere, and a Content-Security-Policy that lets only the prompt viewer's own
 * script run ({@link ReportViewer#SCRIPT_SOURCE}), so that no other would even if escaping failed.
 * Every text of the tables goes through {@link Escape#html}, and the viewer's data through
 * {@link Escape#jsonForScript}: outputs and errors are model- or user-controlled, and a
 * {@code <script>} in a reply must stay text.
 */
final class HtmlReport {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}"
            + "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;"
            + "vertical-align:top}th{background:#f3f3f3}.r{text-align:right}.note{color:#555;font-size:.9em}"
            + ".warn{background:#fff3cd;border:1px solid #e0c060;padding:.5rem}svg text{font:11px sans-serif}";

    private final StringBuilder html = new StringBuilder();

    private HtmlReport() {}

    static String render(RunReport report, RunFigures f) {
        HtmlReport h = new HtmlReport();
        RunManifest m = report.manifest();
        String title = "Evaluation report: " + Objects.toString(m.runId(), "");
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src "
                + ReportViewer.SCRIPT_SOURCE + "\">\n"
                + "<title>" + Escape.html(title) + "</title><style>" + STYLE + ReportViewer.style() + "</style></head><body>\n");
        h.raw("<h1>" + Escape.html(title) + "</h1>\n");
        if (m.model() != null && m.model().synthetic()) {
            h.raw("<p class=\"warn\"><strong>Warning:</strong> " + Escape.html(MarkdownReport.SYNTHETIC_WARNING) + "</p>\n");
        }
        h.section("Summary", FigureTables.summary(report, f));
        h.section("Goodput", FigureTables.goodput(f));
        h.note(f.goodput().slo().isSet() ? Goodput.DEFINITION
                : "No SLO set: goodput equals the pass rate. " + Goodput.DEFINITION);
        h.section("Assertions", FigureTables.assertions(f));
        h.note(f.assertions().isEmpty() ? "No prompt of this run has assertions, so a pass is a reply valid against the schema."
                : AssertionFigures.DEFINITION);
        h.section("Latency (ms)", FigureTables.latency(f));
        h.note(FigureTables.DAGGER_NOTE);
        h.note("Percentiles use " + Percentiles.METHOD + ". Population: " + RunFigures.LATENCY_POPULATION);
        h.section("Decode throughput (tokens/s)", FigureTables.throughput(f));
        h.note("Definition: " + TokenRate.DEFINITION);
        h.section("Run throughput", FigureTables.runThroughput(f));
        h.note(RunThroughput.DEFINITION);
        h.section("Latency by prompt length", FigureTables.byPromptLength(f));
        h.note(PromptLengthBucket.DEFINITION);
        h.promptLengthScatter(report);
        h.section("95% intervals", FigureTables.intervals(f));
        h.note("Rates: " + Wilson.METHOD);
        h.note("Percentiles: " + Bootstrap.METHOD);
        h.charts(report, f);
        h.section("By pool", FigureTables.groups("Pool", f.byPool()));
        h.section("By worker", FigureTables.groups("Worker", f.byWorker()));
        h.section("Serving", FigureTables.serving(report.results()));
        h.note(EngineRates.DEFINITION);
        h.failuresByReason(f.failuresByReason());
        h.section("Failures", FigureTables.failures(report.results()));
        h.section("Outlier snapshots", FigureTables.outliers(f));
        h.raw(ReportViewer.section(report, f));
        h.missing(report.missing());
        h.section("Run parameters", FigureTables.parameters(m));
        if (m.model() == null) {
            h.raw("<h2>Model</h2>\n");
            h.note(FigureTables.NO_MODEL);
        } else {
            h.section("Model", FigureTables.model(m.model()));
        }
        h.raw("</body></html>\n");
        return h.html.toString();
    }

    private void charts(RunReport report, RunFigures f) {
        raw("<h2>E2E latency distribution</h2>\n");
        double[] sorted = report.results().stream().map(EvalResult::e2eMs).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            note("No result has an E2E latency to plot.");
            return;
        }
        raw(SvgCharts.histogram(sorted, "E2E latency (ms)") + "\n");
        note("Histogram: " + SvgCharts.binCount(sorted.length) + " equal-width bins from the minimum to the maximum"
                + " (ceil(sqrt(N)), at most " + SvgCharts.MAX_BINS + "), N = " + sorted.length + ".");
        raw(SvgCharts.ecdf(sorted, f.e2e().p50(), f.e2e().p95(), "E2E latency (ms)") + "\n");
        note("Empirical CDF: the share of prompts whose E2E is at most x; dashed lines at p50 and p95.");
    }

    private void promptLengthScatter(RunReport report) {
        List<EvalResult> withTtft = report.results().stream().filter(r -> r.e2eMs() != null && r.ttftMs() != null).toList();
        if (withTtft.isEmpty()) {
            return;
        }
        raw(SvgCharts.scatter(withTtft.stream().mapToDouble(EvalResult::promptTokens).toArray(),
                withTtft.stream().mapToDouble(EvalResult::ttftMs).toArray(), "prompt tokens", "TTFT (ms)") + "\n");
        note("One dot per result with a TTFT (N = " + withTtft.size() + "): TTFT against the prompt's tokens.");
    }

    private void failuresByReason(Map<String, Long> byReason) {
        Table t = new Table("lr", "Reason", "Count");
        byReason.forEach((reason, count) -> t.row(reason, String.valueOf(count)));
        section("Failures by reason", t);
    }

    private void missing(List<String> missing) {
        raw("<h2>Missing prompts</h2>\n");
        if (missing.isEmpty()) {
            note("None: every prompt has a result.");
            return;
        }
        raw("<ul>");
        missing.forEach(id -> raw("<li>" + Escape.html(id) + "</li>"));
        raw("</ul>\n");
    }

    private void section(String title, Table t) {
        raw("<h2>" + Escape.html(title) + "</h2>\n");
        if (t.rows().isEmpty()) {
            note("None.");
            return;
        }
        raw("<table><thead><tr>");
        for (int i = 0; i < t.header().size(); i++) {
            raw("<th" + align(t, i) + ">" + Escape.html(t.header().get(i)) + "</th>");
        }
        raw("</tr></thead><tbody>\n");
        for (List<Table.Cell> cells : t.rows()) {
            raw("<tr>");
            for (int i = 0; i < cells.size(); i++) {
                raw("<td" + align(t, i) + ">" + cell(cells.get(i)) + "</td>");
            }
            raw("</tr>\n");
        }
        raw("</tbody></table>\n");
    }

    /** A link only to a snapshot (a relative path {@link Snapshots#href} made), never a scheme. */
    private static String cell(Table.Cell c) {
        String text = Escape.html(c.text());
        boolean snapshot = c.href() != null && c.href().startsWith(Snapshots.DIR + "/") && !c.href().contains(":");
        return snapshot ? "<a href=\"" + Escape.html(c.href()) + "\">" + text + "</a>" : text;
    }

    private static String align(Table t, int column) {
        return t.rightAligned(column) ? " class=\"r\"" : "";
    }

    private void note(String text) {
        raw("<p class=\"note\">" + Escape.html(text) + "</p>\n");
    }

    private void raw(String text) {
        html.append(text);
    }
}
