package io.evalpipe.report.compare;

import io.evalpipe.report.Escape;
import io.evalpipe.report.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** compare.md: the comparison for people. Every text from a report folder goes through {@link Escape#markdownCell}. */
public final class CompareMarkdown {

    private final StringBuilder md = new StringBuilder();

    private CompareMarkdown() {}

    public static String render(Comparison c) {
        CompareMarkdown r = new CompareMarkdown();
        ReportFolder b = c.baseline();
        ReportFolder k = c.candidate();
        r.line("# Comparison: " + cell(k.runId()) + " vs baseline " + cell(b.runId()));
        r.line("");
        r.line("**Verdict: " + cell(c.headline()) + "**");
        r.line("");
        c.caveats().forEach(caveat -> r.line("> " + cell(caveat)));
        if (!c.caveats().isEmpty()) {
            r.line("");
        }
        r.runs(c);
        r.figures(c);
        r.gates(c);
        r.flips("Pass → not pass", c.passToFail());
        r.flips("Not pass → pass", c.failToPass());
        r.unmatched(c);
        r.methods();
        return r.md.toString();
    }

    private void runs(Comparison c) {
        ReportFolder b = c.baseline();
        ReportFolder k = c.candidate();
        line("## Runs");
        line("");
        line("| | Baseline | Candidate |");
        line("|---|---|---|");
        row("Run", b.runId(), k.runId());
        row("Suite", b.suite(), k.suite());
        row("Model", b.modelFile(), k.modelFile());
        row("Results (N) of expected", b.n() + " of " + b.expected(), k.n() + " of " + k.expected());
        Set<String> keys = new TreeSet<>(b.params().keySet());
        keys.addAll(k.params().keySet());
        List<String> same = new ArrayList<>();
        for (String key : keys) {
            String before = b.params().get(key);
            String after = k.params().get(key);
            if (java.util.Objects.equals(before, after)) {
                same.add(key + "=" + before);
            } else {
                row("Parameter " + key + " (differs)", String.valueOf(before), String.valueOf(after));
            }
        }
        line("");
        if (!same.isEmpty()) {
            line(cell("Same parameters in both: " + String.join(", ", same) + "."));
            line("");
        }
    }

    private void figures(Comparison c) {
        ReportFolder b = c.baseline();
        ReportFolder k = c.candidate();
        TwoSampleBootstrap.Deltas d = c.latencyCi95();
        line("## Differences (candidate − baseline), with 95% intervals");
        line("");
        line("| Figure | Baseline [95% CI] | Candidate [95% CI] | Difference [95% CI] | Ratio [95% CI] |");
        line("|---|---:|---:|---:|---:|");
        row("Pass rate",
                Format.percent(b.passRate()) + " (" + b.passed() + "/" + b.n() + ") " + Format.percentInterval(b.passRateCi95()),
                Format.percent(k.passRate()) + " (" + k.passed() + "/" + k.n() + ") " + Format.percentInterval(k.passRateCi95()),
                c.passRateDiff() == null ? Format.NONE
                        : Format.points(c.passRateDiff()) + " points " + Format.pointsInterval(c.passRateDiffCi95()),
                Format.NONE);
        row("E2E p50 (ms)", p50(b), p50(k),
                Format.signed(c.e2eP50Diff()) + " " + Format.signedInterval(d == null ? null : d.p50Diff()),
                Format.ratio(c.e2eP50Ratio()) + " " + Format.ratioInterval(d == null ? null : d.p50Ratio()));
        row("E2E p95 (ms)", p95(b), p95(k),
                Format.signed(c.e2eP95Diff()) + " " + Format.signedInterval(d == null ? null : d.p95Diff()),
                Format.ratio(c.e2eP95Ratio()) + " " + Format.ratioInterval(d == null ? null : d.p95Ratio()));
        row("Mean completion tokens", Format.figure(b.meanCompletionTokens()), Format.figure(k.meanCompletionTokens()),
                Format.signed(c.meanCompletionTokensDiff()) + " "
                        + Format.signedInterval(d == null ? null : d.meanCompletionTokensDiff()),
                Format.NONE);
        line("");
        line("Each run's intervals are its own report's (Wilson for the pass rate, bootstrap for percentiles);"
                + " the intervals of the differences and ratios are computed here (see Methods).");
        line("");
    }

    private void gates(Comparison c) {
        line("## Gates");
        line("");
        line("| Gate | Verdict | Finding | Rule |");
        line("|---|---|---|---|");
        for (GateResult g : c.gates()) {
            String verdict = g.failed() ? "**FAIL: " + g.verdict().label() + "**" : g.verdict().label();
            row(g.name(), verdict, g.finding(), g.rule());
        }
        line("");
        line(cell("A gate fails only when the 95% interval lies wholly beyond the allowed change. When only the point estimate"
                + " does, the difference is reported as inconclusive: two runs of the same model differ this much by chance,"
                + " and more prompts (or repeated runs) would be needed to tell."));
        line("");
    }

    private void flips(String title, List<Flip> flips) {
        line("## " + title + " (" + flips.size() + ")");
        line("");
        if (flips.isEmpty()) {
            line("None.");
            line("");
            return;
        }
        line("| Prompt | Baseline | Candidate |");
        line("|---|---|---|");
        for (Flip f : flips) {
            row(f.promptId(), verdict(f.baseline()), verdict(f.candidate()));
        }
        line("");
    }

    private void unmatched(Comparison c) {
        if (c.onlyInBaseline().isEmpty() && c.onlyInCandidate().isEmpty()) {
            return;
        }
        line("## Prompts in one run only");
        line("");
        line(cell("Not compared prompt by prompt. Baseline only (" + c.onlyInBaseline().size() + "): "
                + String.join(", ", c.onlyInBaseline()) + ". Candidate only (" + c.onlyInCandidate().size() + "): "
                + String.join(", ", c.onlyInCandidate()) + "."));
        line("");
    }

    private void methods() {
        line("## Methods");
        line("");
        for (String text : List.of(
                "Pass-rate difference: " + Newcombe.METHOD,
                "Latency and token differences: " + TwoSampleBootstrap.METHOD,
                "Percentiles: " + Percentiles.METHOD + ".")) {
            line(cell(text));
            line("");
        }
    }

    private static String verdict(ReportFolder.Row r) {
        return r.failureReason() == null ? r.status() : r.status() + " (" + r.failureReason() + ")";
    }

    private static String p50(ReportFolder r) {
        ReportFolder.Latency l = r.e2e();
        return l == null ? Format.NONE : Format.figure(l.p50()) + " " + Format.interval(l.p50Ci95()) + " N=" + l.n();
    }

    private static String p95(ReportFolder r) {
        ReportFolder.Latency l = r.e2e();
        return l == null ? Format.NONE : Format.figure(l.p95()) + " " + Format.interval(l.p95Ci95()) + " N=" + l.n();
    }

    private void row(String... cells) {
        StringBuilder s = new StringBuilder("|");
        for (String c : cells) {
            s.append(' ').append(cell(c)).append(" |");
        }
        line(s.toString());
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    /** Text as Markdown shows it literally, in one table cell (the run report's escaping). */
    static String cell(String text) {
        return text == null ? Format.NONE : Escape.markdownCell(text);
    }

    /** The same summary for a terminal: the headline, the differences and the gates, one per line. */
    public static String consoleSummary(Comparison c) {
        ReportFolder b = c.baseline();
        ReportFolder k = c.candidate();
        TwoSampleBootstrap.Deltas d = c.latencyCi95();
        List<String> lines = new ArrayList<>();
        lines.add("Compare " + k.runId() + " (candidate) with " + b.runId() + " (baseline): " + c.headline());
        lines.add("  pass rate   " + Format.percent(k.passRate()) + " vs " + Format.percent(b.passRate()) + ": "
                + (c.passRateDiff() == null ? Format.NONE
                        : Format.points(c.passRateDiff()) + " points, 95% CI " + Format.pointsInterval(c.passRateDiffCi95())));
        lines.add("  E2E p50     " + Format.ratio(c.e2eP50Ratio()) + ", 95% CI " + Format.ratioInterval(d == null ? null : d.p50Ratio())
                + " (" + Format.signed(c.e2eP50Diff()) + " ms)");
        lines.add("  E2E p95     " + Format.ratio(c.e2eP95Ratio()) + ", 95% CI " + Format.ratioInterval(d == null ? null : d.p95Ratio())
                + " (" + Format.signed(c.e2eP95Diff()) + " ms)");
        lines.add("  completion tokens (mean) " + Format.signed(c.meanCompletionTokensDiff()) + ", 95% CI "
                + Format.signedInterval(d == null ? null : d.meanCompletionTokensDiff()));
        for (GateResult g : c.gates()) {
            lines.add("  gate " + g.name() + ": " + (g.failed() ? "FAIL " : "") + g.verdict().label() + ": " + g.finding());
        }
        lines.add("  pass -> not pass: " + ids(c.passToFail()) + "; not pass -> pass: " + ids(c.failToPass()));
        c.caveats().forEach(caveat -> lines.add("  note: " + caveat));
        return String.join("\n", lines) + "\n";
    }

    private static String ids(List<Flip> flips) {
        return flips.isEmpty() ? "none" : flips.size() + " (" + String.join(", ", flips.stream().map(Flip::promptId).toList()) + ")";
    }
}
