package io.evalpipe.aggregator.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** report.md: the run for people. Every text that came from outside goes through {@link #cell}. */
final class MarkdownReport {

    static final String SYNTHETIC_WARNING =
            "synthetic model: replies are meaningless; figures measure the pipeline, not a model.";

    /** Long validation messages would make the failures table unreadable; the CSV has them whole. */
    static final int MAX_CELL_CHARS = 120;

    private static final String NONE = "—";

    private final StringBuilder md = new StringBuilder();

    private MarkdownReport() {}

    static String render(RunReport report, RunFigures f) {
        MarkdownReport r = new MarkdownReport();
        RunManifest m = report.manifest();
        r.line("# Evaluation report: " + cell(m.runId()));
        r.line("");
        if (m.model() != null && m.model().synthetic()) {
            r.line("> **Warning:** " + SYNTHETIC_WARNING);
            r.line("");
        }
        r.summary(report, f);
        r.latency(f);
        r.failuresByReason(f.failuresByReason());
        r.failures(report.results());
        r.notes(report.results());
        r.missing(report.missing());
        r.parameters(m);
        r.model(m.model());
        return r.md.toString();
    }

    private void summary(RunReport report, RunFigures f) {
        line("## Summary");
        line("");
        row("Figure", "Value");
        line("|---|---:|");
        row("Suite", cell(report.manifest().suite()));
        row("Expected prompts", String.valueOf(f.expected()));
        row("Results (N)", String.valueOf(f.n()));
        row("Passed", String.valueOf(f.passed()));
        row("Failed", String.valueOf(f.failed()));
        row("Errors", String.valueOf(f.errors()));
        row("Missing", String.valueOf(report.missing().size()));
        row("Pass rate (of N)", percent(f.passRate()));
        row("Pass rate (of expected)", percent(f.passRateOfExpected()));
        row("Complete", report.complete() ? "yes" : "no");
        line("");
    }

    private void latency(RunFigures f) {
        line("## Latency (ms)");
        line("");
        row("Metric", "N", "mean", "min", "p50", "p90", "p95", "p99", "max");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        statsRow("E2E", f.e2e());
        statsRow("TTFT", f.ttft());
        statsRow("TPOT", f.tpot());
        line("");
        line("Percentiles use " + Percentiles.METHOD + ", as Excel's PERCENTILE.INC does. Population: "
                + RunFigures.LATENCY_POPULATION);
        line("");
    }

    private void statsRow(String name, LatencyStats s) {
        if (s == null) {
            row(name, "0", NONE, NONE, NONE, NONE, NONE, NONE, NONE);
            return;
        }
        row(name, String.valueOf(s.n()), ms(s.mean()), ms(s.min()), ms(s.p50()), ms(s.p90()), ms(s.p95()),
                ms(s.p99()), ms(s.max()));
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
        byReason.forEach((reason, count) -> row(cell(reason), String.valueOf(count)));
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
            row(cell(r.promptId()), r.status() == null ? "" : r.status().wireName(), cell(r.failureReason()),
                    cell(truncate(firstError, MAX_CELL_CHARS)));
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
            row(cell(r.promptId()), r.status() == null ? "" : r.status().wireName(),
                    cell(truncate(String.join("; ", r.notes()), MAX_CELL_CHARS)));
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
            missing.forEach(id -> line("- " + cell(id)));
        }
        line("");
    }

    private void parameters(RunManifest m) {
        GenerationParams p = m.params() == null ? GenerationParams.NONE : m.params();
        line("## Run parameters");
        line("");
        row("Parameter", "Value");
        line("|---|---|");
        row("pool", cell(m.pool()));
        row("created_at", m.createdAt() == null ? "" : m.createdAt().toString());
        row("deadline_ms", value(m.deadlineMs()));
        row("prompt_set_sha256", cell(m.promptSetSha256()));
        row("max_tokens", value(p.maxTokens()));
        row("temperature", value(p.temperature()));
        row("top_p", value(p.topP()));
        row("top_k", value(p.topK()));
        row("repeat_penalty", value(p.repeatPenalty()));
        row("seed", value(p.seed()));
        // As JSON, so that a stop string of "\n" reads as such instead of vanishing into a space.
        row("stop", p.stop() == null ? "" : cell(new String(Json.encode(p.stop()), StandardCharsets.UTF_8)));
        row("timeout_ms", value(p.timeoutMs()));
        row("output_mode", cell(p.outputMode()));
        line("");
    }

    private void model(ModelInfo model) {
        line("## Model");
        line("");
        if (model == null) {
            line("Not recorded in the manifest.");
            line("");
            return;
        }
        row("File", "SHA-256", "Size", "Synthetic");
        line("|---|---|---:|---|");
        String sha = model.sha256() == null ? "" : model.sha256().substring(0, Math.min(12, model.sha256().length()));
        row(cell(model.fileName()), cell(sha), size(model.sizeBytes()), model.synthetic() ? "yes" : "no");
        line("");
    }

    /**
     * Text that keeps a table cell (or a list item, or a heading) one cell whatever it holds. A
     * pipe would end the cell and a newline (or any control character) the row; a backtick could open a code span that
     * swallows the rest of the row, {@code <} an HTML tag, and a backslash could escape our own
     * escapes. Entities are used for the last three so they render as the character itself.
     */
    static String cell(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '|' -> out.append("\\|");
                case '\\' -> out.append("\\\\");
                case '`' -> out.append("&#96;");
                case '<' -> out.append("&lt;");
                case '&' -> out.append("&amp;");
                case '\r' -> {
                    out.append(' ');
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                }
                default -> out.append(Character.isISOControl(c) && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** Cut by code points, before escaping, so neither a surrogate pair nor an escape is split. */
    static String truncate(String text, int maxChars) {
        if (text == null || text.codePointCount(0, text.length()) <= maxChars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxChars - 1)) + "…";
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(Double ratio) {
        return ratio == null ? NONE : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    private static String value(Object v) {
        return v == null ? "" : cell(v.toString());
    }

    private static String size(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / (1024.0 * 1024.0), bytes);
    }

    private void row(String... cells) {
        line("| " + String.join(" | ", cells) + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
