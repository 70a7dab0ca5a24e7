package io.evalpipe.aggregator.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;

/**
 * summary.json: the run's figures for machines. Numbers are written at full precision (rounding is
 * for people, in report.md); a figure that does not exist is null rather than 0.
 */
final class SummaryJson {

    private SummaryJson() {}

    static ObjectNode build(RunReport report, RunFigures f) {
        RunManifest m = report.manifest();
        ObjectNode root = Json.WIRE.createObjectNode();
        root.put("run_id", m.runId());
        root.put("suite", m.suite());
        root.put("n", f.n());
        root.put("expected", f.expected());
        root.put("passed", f.passed());
        root.put("failed", f.failed());
        root.put("errors", f.errors());
        root.put("pass_rate", f.passRate());
        root.put("pass_rate_of_expected", f.passRateOfExpected());
        root.put("complete", report.complete());
        report.missing().forEach(root.putArray("missing")::add);
        ObjectNode reasons = root.putObject("failures_by_reason");
        f.failuresByReason().forEach(reasons::put);
        root.put("latency_population", RunFigures.LATENCY_POPULATION);
        ObjectNode latency = root.putObject("latency_ms");
        putStats(latency.putObject("e2e"), f.e2e());
        putStats(latency.putObject("ttft"), f.ttft());
        putStats(latency.putObject("tpot"), f.tpot());
        ObjectNode tokens = root.putObject("tokens");
        tokens.put("n", f.latencyPopulation());
        tokens.put("mean_prompt_tokens", f.meanPromptTokens());
        tokens.put("mean_completion_tokens", f.meanCompletionTokens());
        root.put("percentile_method", Percentiles.METHOD);
        root.set("model", Json.WIRE.valueToTree(m.model()));
        root.set("params", Json.WIRE.valueToTree(m.params()));
        root.put("pool", m.pool());
        root.put("created_at", m.createdAt() == null ? null : m.createdAt().toString());
        root.put("deadline_ms", m.deadlineMs());
        root.put("prompt_set_sha256", m.promptSetSha256());
        root.put("synthetic_model", m.model() != null && m.model().synthetic());
        return root;
    }

    /**
     * Always the same keys, so that a reader can test {@code n == 0} instead of probing for
     * fields; with no values every figure but n is null.
     */
    private static void putStats(ObjectNode node, LatencyStats s) {
        node.put("n", s == null ? 0 : s.n());
        node.put("mean", s == null ? null : s.mean());
        node.put("min", s == null ? null : s.min());
        node.put("p50", s == null ? null : s.p50());
        node.put("p90", s == null ? null : s.p90());
        node.put("p95", s == null ? null : s.p95());
        node.put("p99", s == null ? null : s.p99());
        node.put("max", s == null ? null : s.max());
    }
}
