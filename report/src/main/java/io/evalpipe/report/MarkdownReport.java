package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** report.md: the run for people. Every text that came from outside goes through {@link Escape#markdownCell}. */
final class MarkdownReport {

    static final String SYNTHETIC_WARNING =
            "synthetic model: replies are meaningless; figures measure the pipeline, not a model.";

    /** Long validation messages would make the failures table unreadable; the CSV has them whole. */
    static final int MAX_CELL_CHARS = 120;

    /** Relative links this report writes: a folder and a file name of {@code Ids}' characters. */
    private static final Pattern SAFE_HREF = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");

    private final StringBuilder md = new StringBuilder();

    private MarkdownReport() {}

    static String render(RunReport report, RunFigures f) {
        MarkdownReport r = new MarkdownReport();
        RunManifest m = report.manifest();
        r.line("# Evaluation report: " + Escape.markdownCell(m.runId()));
        r.line("");
        if (m.model() != null && m.model().synthetic()) {
            r.line("> **Warning:** " + SYNTHETIC_WARNING);
            r.line("");
        }
        r.section("Summary", FigureTables.summary(report, f));
        r.section("Goodput", FigureTables.goodput(f));
        r.paragraph(f.goodput().slo().isSet() ? Goodput.DEFINITION
                : "No SLO set: goodput equals the pass rate. " + Goodput.DEFINITION);
        r.assertions(f);
        r.section("Latency (ms)", FigureTables.latency(f));
        r.paragraph(FigureTables.DAGGER_NOTE);
        r.paragraph("Percentiles use " + Percentiles.METHOD + ", as Excel's PERCENTILE.INC does. Population: "
                + RunFigures.LATENCY_POPULATION);
        r.section("Decode throughput (tokens/s)", FigureTables.throughput(f));
        r.paragraph("Definition: " + TokenRate.DEFINITION);
        r.section("Run throughput", FigureTables.runThroughput(f));
        r.paragraph(RunThroughput.DEFINITION);
        r.section("Latency by prompt length", FigureTables.byPromptLength(f));
        r.paragraph(PromptLengthBucket.DEFINITION);
        r.section("95% intervals", FigureTables.intervals(f));
        r.paragraph("Rates: " + Wilson.METHOD);
        r.paragraph("Percentiles: " + Bootstrap.METHOD);
        r.section("By pool", FigureTables.groups("Pool", f.byPool()));
        r.section("By worker", FigureTables.groups("Worker", f.byWorker()));
        r.section("Serving", FigureTables.serving(report.results()));
        r.paragraph(EngineRates.DEFINITION);
        r.failuresByReason(f.failuresByReason());
        r.failures(report.results());
        r.outliers(f);
        r.notes(report.results());
        r.missing(report.missing());
        r.parameters(m);
        r.model(m.model());
        return r.md.toString();
    }

    private void section(String title, Table table) {
        line("## " + title);
        line("");
        table(table);
        line("");
    }

    private void paragraph(String text) {
        line(Escape.markdownCell(text));
        line("");
    }

    /** Every cell goes through {@link Escape#markdownCell}; a link's target is one {@link Snapshots#href} made. */
    private void table(Table t) {
        row(t.header().stream().map(Escape::markdownCell).toArray(String[]::new));
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < t.header().size(); i++) {
            rule.append(t.rightAligned(i) ? "---:|" : "---|");
        }
        line(rule.toString());
        for (List<Table.Cell> cells : t.rows()) {
            row(cells.stream().map(MarkdownReport::render).toArray(String[]::new));
        }
    }

    private static String render(Table.Cell c) {
        if (c.href() == null || !SAFE_HREF.matcher(c.href()).matches()) {
            return Escape.markdownCell(c.text());
        }
        return "[" + Escape.markdownCell(c.text()).replace("[", "\\[").replace("]", "\\]") + "](" + c.href() + ")";
    }

    private void assertions(RunFigures f) {
        if (f.assertions().isEmpty()) {
            line("## Assertions");
            line("");
            line("None: no prompt of this run has assertions, so a pass is a reply valid against the schema.");
            line("");
            return;
        }
        section("Assertions", FigureTables.assertions(f));
        paragraph(AssertionFigures.DEFINITION + " Rates: " + Wilson.METHOD);
    }

    /** Snapshots with a link; a slow pass is as worth reading as a failure. */
    private void outliers(RunFigures f) {
        line("## Outlier snapshots");
        line("");
        if (f.outliers().isEmpty()) {
            line("None: every result passed and none was slower than the E2E p95.");
            line("");
            return;
        }
        line("Every result that did not pass, and every result with an E2E above the run's p95, has a snapshot"
                + " (its output, timings, errors, worker, pool and lineage) in `" + Snapshots.DIR + "/`.");
        line("");
        table(FigureTables.outliers(f));
        line("");
    }

    private void failuresByReason(Map<String, Long> byReason) {
        line("## Failures by reason");
        line("");
        if (byReason.isEmpty()) {
            line("No failures.");
            line("");
            return;
        }
        row("Reason", "Count");
        line("|---|---:|");
        byReason.forEach((reason, count) -> row(Escape.markdownCell(reason), String.valueOf(count)));
        line("");
    }

    private void failures(List<EvalResult> results) {
        List<EvalResult> failed = results.stream().filter(r -> r.status() != ResultStatus.PASS).toList();
        if (failed.isEmpty()) {
            return;
        }
        line("## Failures");
        line("");
        row("Prompt", "Status", "Reason", "First validation error");
        line("|---|---|---|---|");
        for (EvalResult r : failed) {
            String firstError = r.validationErrors().isEmpty() ? "" : r.validationErrors().get(0);
            row(Escape.markdownCell(r.promptId()), r.status() == null ? "" : r.status().wireName(), Escape.markdownCell(r.failureReason()),
                    Escape.markdownCell(Fmt.truncate(firstError, MAX_CELL_CHARS)));
        }
        line("");
    }

    /** Notes qualify a verdict (JSON salvaged from prose, a grammar not applied), passes included. */
    private void notes(List<EvalResult> results) {
        List<EvalResult> noted = results.stream().filter(r -> !r.notes().isEmpty()).toList();
        if (noted.isEmpty()) {
            return;
        }
        line("## Notes");
        line("");
        row("Prompt", "Status", "Notes");
        line("|---|---|---|");
        for (EvalResult r : noted) {
            row(Escape.markdownCell(r.promptId()), r.status() == null ? "" : r.status().wireName(),
                    Escape.markdownCell(Fmt.truncate(String.join("; ", r.notes()), MAX_CELL_CHARS)));
        }
        line("");
    }

    private void missing(List<String> missing) {
        line("## Missing prompts");
        line("");
        if (missing.isEmpty()) {
            line("None: every prompt has a result.");
        } else {
            line(missing.size() + " prompt(s) had no result when the report was written:");
            line("");
            missing.forEach(id -> line("- " + Escape.markdownCell(id)));
        }
        line("");
    }

    private void parameters(RunManifest m) {
        section("Run parameters", FigureTables.parameters(m));
    }

    private void model(ModelInfo model) {
        if (model == null) {
            line("## Model");
            line("");
            line(FigureTables.NO_MODEL);
            line("");
            return;
        }
        section("Model", FigureTables.model(model));
    }

    private void row(String... cells) {
        line("| " + String.join(" | ", cells) + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
