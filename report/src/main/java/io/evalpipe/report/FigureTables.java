package io.evalpipe.report;

import io.evalpipe.report.Table.Cell;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables report.md and report.html share, as plain text. Percentiles at the extreme (see
 * {@link LatencyStats#EXTREME_RULE}) carry {@link Fmt#DAGGER}; the reports print {@link #DAGGER_NOTE}.
 */
final class FigureTables {

    static final String DAGGER_NOTE = Fmt.DAGGER + " unreliable: " + LatencyStats.EXTREME_RULE;

    /** Long validation messages would make a table unreadable; results.csv has them whole. */
    static final int MAX_ERROR_CHARS = 300;

    /** What the reports say in place of the model table when the manifest names no model. */
    static final String NO_MODEL = "Not recorded in the manifest.";

    private FigureTables() {}

    static Table summary(RunReport report, RunFigures f) {
        return new Table("lr", "Figure", "Value")
                .row("Suite", report.manifest().suite())
                .row("Expected prompts", String.valueOf(f.expected()))
                .row("Results (N)", String.valueOf(f.n()))
                .row("Passed", String.valueOf(f.passed()))
                .row("Failed", String.valueOf(f.failed()))
                .row("Errors", String.valueOf(f.errors()))
                .row("Missing", String.valueOf(report.missing().size()))
                .row("Pass rate (of N)", Fmt.percent(f.passRate()))
                .row("Pass rate (of N), 95% CI", Fmt.percentInterval(f.passRateCi95()))
                .row("Pass rate (of expected)", Fmt.percent(f.passRateOfExpected()))
                .row("Schema-valid", String.valueOf(f.schemaValid()))
                .row("Schema-valid rate (of N)", Fmt.percent(f.schemaValidRate()))
                .row("Schema-valid rate (of N), 95% CI", Fmt.percentInterval(f.schemaValidCi95()))
                .row("Goodput (of N)", Fmt.percent(f.goodput().rate()))
                .row("Complete", report.complete() ? "yes" : "no")
                .row("Retried (a second result replaced the first)", String.valueOf(report.retried()));
    }

    static Table goodput(RunFigures f) {
        Goodput g = f.goodput();
        return new Table("lr", "Figure", "Value")
                .row("SLO", g.slo().describe())
                .row("Good (pass and within SLO)", String.valueOf(g.good()))
                .row("Goodput (of N)", Fmt.percent(g.rate()))
                .row("Goodput (of N), 95% CI", Fmt.percentInterval(g.ci95()))
                .row("Goodput (of expected)", Fmt.percent(g.rateOfExpected()));
    }

    /** The millisecond metrics; the header is the one report.md has always had. */
    static Table latency(RunFigures f) {
        Table t = statsTable();
        statsRow(t, "E2E", f.e2e());
        statsRow(t, "TTFT", f.ttft());
        statsRow(t, "TPOT", f.tpot());
        statsRow(t, "Queue wait", f.queueWait());
        return t;
    }

    static Table throughput(RunFigures f) {
        Table t = statsTable();
        statsRow(t, "Decode tokens/s", f.tokensPerSec());
        return t;
    }

    /** The run's and each pool's throughput over its makespan ({@link RunThroughput}). */
    static Table runThroughput(RunFigures f) {
        Table t = new Table("lrrrrrr", "Scope", "Timed results", "Makespan (s)", "Completed", "Requests/s", "Output tokens/s",
                "Total tokens/s");
        throughputRow(t, "run", f.throughput());
        f.throughputByPool().forEach((pool, tp) -> throughputRow(t, "pool " + pool, tp));
        return t;
    }

    private static void throughputRow(Table t, String scope, RunThroughput tp) {
        t.row(scope, String.valueOf(tp.timed()), tp.makespanMs() == null ? Fmt.NONE : Fmt.figure(tp.makespanMs() / 1000),
                String.valueOf(tp.completed()), rate(tp.requestsPerSec()), rate(tp.outputTokensPerSec()), rate(tp.totalTokensPerSec()));
    }

    /** TTFT and E2E by prompt length ({@link PromptLengthBucket}); N is the bucket's share of the latency population. */
    static Table byPromptLength(RunFigures f) {
        Table t = new Table("lrrrrr", "Prompt tokens", "N", "TTFT p50 (ms)", "TTFT p95 (ms)", "E2E p50 (ms)", "E2E p95 (ms)");
        for (PromptLengthBucket b : f.byPromptLength()) {
            t.row(b.label(), String.valueOf(b.n()), percentile(b.ttft(), 50), percentile(b.ttft(), 95),
                    percentile(b.e2e(), 50), percentile(b.e2e(), 95));
        }
        return t;
    }

    private static String percentile(LatencyStats s, int p) {
        if (s == null) {
            return Fmt.NONE;
        }
        return Fmt.marked(Fmt.figure(p == 50 ? s.p50() : s.p95()), LatencyStats.atExtreme(s.n(), p));
    }

    static Table intervals(RunFigures f) {
        Table t = new Table("lrrl", "Figure", "Estimate", "95% interval", "Method")
                .row("Pass rate (of N)", Fmt.percent(f.passRate()), Fmt.percentInterval(f.passRateCi95()), "Wilson score")
                .row("Goodput (of N)", Fmt.percent(f.goodput().rate()), Fmt.percentInterval(f.goodput().ci95()),
                        "Wilson score")
                .row("Schema-valid rate (of N)", Fmt.percent(f.schemaValidRate()), Fmt.percentInterval(f.schemaValidCi95()),
                        "Wilson score");
        percentileRows(t, "E2E", f.e2e(), f.e2eIntervals());
        percentileRows(t, "TTFT", f.ttft(), f.ttftIntervals());
        return t;
    }

    /** Each assertion's pass rate, N beside it; no rows when the run has no assertions. */
    static Table assertions(RunFigures f) {
        Table t = new Table("lrrrr", "Assertion", "N", "Held", "Pass rate", "Pass rate 95% CI");
        for (AssertionFigures a : f.assertions()) {
            t.row(a.label(), String.valueOf(a.n()), String.valueOf(a.held()), Fmt.percent(a.passRate()), Fmt.percentInterval(a.ci95()));
        }
        return t;
    }

    /** @param label the column naming the group: "Pool" or "Worker" */
    static Table groups(String label, Map<String, GroupFigures> groups) {
        Table t = new Table("lrrrrrrrr", label, "N", "Passed", "Pass rate", "Pass rate 95% CI", "E2E N",
                "E2E p50 (ms)", "E2E p95 (ms)", "Decode tokens/s mean");
        for (GroupFigures g : groups.values()) {
            LatencyStats e2e = g.e2e();
            t.row(g.name(), String.valueOf(g.n()), String.valueOf(g.passed()), Fmt.percent(g.passRate()),
                    Fmt.percentInterval(g.passRateCi95()),
                    String.valueOf(e2e == null ? 0 : e2e.n()),
                    e2e == null ? Fmt.NONE : Fmt.marked(Fmt.figure(e2e.p50()), LatencyStats.atExtreme(e2e.n(), 50)),
                    e2e == null ? Fmt.NONE : Fmt.marked(Fmt.figure(e2e.p95()), LatencyStats.atExtreme(e2e.n(), 95)),
                    g.tokensPerSecMean() == null ? Fmt.NONE : Fmt.figure(g.tokensPerSecMean()));
        }
        return t;
    }

    /**
     * How each worker served its results (the lineage of its first result): which engine and build,
     * on what, with how many threads and slots. Two runs compare only as far as these agree.
     */
    static Table serving(List<EvalResult> results) {
        Map<String, EvalResult> firstByWorker = new LinkedHashMap<>();
        results.stream().filter(r -> r.lineage() != null).forEach(r -> firstByWorker.putIfAbsent(r.workerId(), r));
        Table t = new Table("lllllrrrrrrr", "Worker", "Pool", "Engine", "Backend", "Build", "Threads", "Slots",
                "Model load (ms)", "Prompt tokens cached", "Engine prefill tok/s", "Engine decode tok/s", "Worker prefill tok/s");
        for (EvalResult r : firstByWorker.values()) {
            Lineage l = r.lineage();
            EngineRates rates = EngineRates.of(results.stream().filter(x -> r.workerId().equals(x.workerId())).toList());
            t.row(r.workerId(), r.pool(), l.engine(), l.backend(), l.build() == null ? Fmt.NONE : l.build(),
                    l.threads() == 0 ? Fmt.NONE : String.valueOf(l.threads()), String.valueOf(l.slots()),
                    String.valueOf(l.modelLoadMs()),
                    rates == null ? Fmt.NONE : rates.cachedTokens() + " of " + rates.promptTokens(),
                    rates == null ? Fmt.NONE : rate(rates.prefillPerSec()),
                    rates == null ? Fmt.NONE : rate(rates.decodePerSec()),
                    rates == null ? Fmt.NONE : rate(rates.workerPrefillPerSec()));
        }
        return t;
    }

    private static String rate(Double perSecond) {
        return perSecond == null ? Fmt.NONE : Fmt.figure(perSecond);
    }

    /** The run-level parameters as the manifest has them: a prompt's own overrides are in its job only. */
    static Table parameters(RunManifest m) {
        GenerationParams p = m.params() == null ? GenerationParams.NONE : m.params();
        return new Table("ll", "Parameter", "Value")
                .row("pool", m.pool())
                .row("created_at", value(m.createdAt()))
                .row("deadline_ms", value(m.deadlineMs()))
                .row("prompt_set_sha256", m.promptSetSha256())
                .row("max_tokens", value(p.maxTokens()))
                .row("temperature", value(p.temperature()))
                .row("top_p", value(p.topP()))
                .row("top_k", value(p.topK()))
                .row("repeat_penalty", value(p.repeatPenalty()))
                .row("seed", value(p.seed()))
                // As JSON, so that a stop string of "\n" reads as such instead of vanishing into a space.
                .row("stop", p.stop() == null ? null : new String(Json.encode(p.stop()), StandardCharsets.UTF_8))
                .row("timeout_ms", value(p.timeoutMs()))
                .row("output_mode", p.outputMode());
    }

    /** The model file of the run, its hash cut to 12 digits; see {@link #NO_MODEL} for a manifest without one. */
    static Table model(ModelInfo model) {
        String sha = model.sha256() == null ? "" : model.sha256().substring(0, Math.min(12, model.sha256().length()));
        return new Table("llrl", "File", "SHA-256", "Size", "Synthetic")
                .row(model.fileName(), sha, String.format(Locale.ROOT, "%.1f MiB (%d bytes)",
                        model.sizeBytes() / (1024.0 * 1024.0), model.sizeBytes()), model.synthetic() ? "yes" : "no");
    }

    private static String value(Object v) {
        return v == null ? null : v.toString();
    }

    /** Each prompt linked to its snapshot; an id that cannot be a file name has none. */
    static Table outliers(RunFigures f) {
        Table t = new Table("lllr", "Prompt", "Status", "Why", "E2E (ms)");
        for (Outlier o : f.outliers()) {
            EvalResult r = o.result();
            String href = Snapshots.href(r.promptId());
            String why = String.join(", ", o.reasons()) + (href == null ? " (no snapshot: unsafe prompt id)" : "");
            t.row(new Cell(r.promptId(), href), Cell.of(status(r)), Cell.of(why),
                    Cell.of(r.e2eMs() == null ? Fmt.NONE : Fmt.figure(r.e2eMs())));
        }
        return t;
    }

    /** Every result that is not a pass, its prompt linked to its snapshot. */
    static Table failures(List<EvalResult> results) {
        Table t = new Table("llll", "Prompt", "Status", "Reason", "Validation errors");
        for (EvalResult r : results) {
            if (r.status() != ResultStatus.PASS) {
                t.row(new Cell(r.promptId(), Snapshots.href(r.promptId())), Cell.of(status(r)),
                        Cell.of(r.failureReason()),
                        Cell.of(Fmt.truncate(String.join("; ", r.validationErrors()), MAX_ERROR_CHARS)));
            }
        }
        return t;
    }

    static String status(EvalResult r) {
        return r.status() == null ? "" : r.status().wireName();
    }

    private static Table statsTable() {
        return new Table("lrrrrrrrr", "Metric", "N", "mean", "min", "p50", "p90", "p95", "p99", "max");
    }

    private static void statsRow(Table t, String name, LatencyStats s) {
        if (s == null) {
            t.row(name, "0", Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE);
            return;
        }
        int n = s.n();
        t.row(name, String.valueOf(n), Fmt.figure(s.mean()), Fmt.figure(s.min()),
                Fmt.marked(Fmt.figure(s.p50()), LatencyStats.atExtreme(n, 50)),
                Fmt.marked(Fmt.figure(s.p90()), LatencyStats.atExtreme(n, 90)),
                Fmt.marked(Fmt.figure(s.p95()), LatencyStats.atExtreme(n, 95)),
                Fmt.marked(Fmt.figure(s.p99()), LatencyStats.atExtreme(n, 99)),
                Fmt.figure(s.max()));
    }

    private static void percentileRows(Table t, String metric, LatencyStats s, Bootstrap.Intervals ci) {
        String method = "bootstrap, " + Bootstrap.RESAMPLES + " resamples";
        if (s == null || ci == null) {
            t.row(metric + " p50 (ms)", Fmt.NONE, Fmt.NONE, method);
            t.row(metric + " p95 (ms)", Fmt.NONE, Fmt.NONE, method);
            return;
        }
        t.row(metric + " p50 (ms)", Fmt.marked(Fmt.figure(s.p50()), LatencyStats.atExtreme(s.n(), 50)),
                Fmt.msInterval(ci.p50()), method);
        t.row(metric + " p95 (ms)", Fmt.marked(Fmt.figure(s.p95()), LatencyStats.atExtreme(s.n(), 95)),
                Fmt.msInterval(ci.p95()), method);
    }
}
