package io.evalpipe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;
import java.util.List;
import java.util.Map;

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
        putInterval(root, "pass_rate_ci95", f.passRateCi95());
        root.put("schema_valid", f.schemaValid());
        root.put("schema_valid_rate", f.schemaValidRate());
        putInterval(root, "schema_valid_rate_ci95", f.schemaValidCi95());
        putAssertions(root.putArray("assertions"), f);
        putGoodput(root, f.goodput());
        root.put("complete", report.complete());
        root.put("retried", report.retried());
        report.missing().forEach(root.putArray("missing")::add);
        ObjectNode reasons = root.putObject("failures_by_reason");
        f.failuresByReason().forEach(reasons::put);
        root.put("latency_population", RunFigures.LATENCY_POPULATION);
        ObjectNode latency = root.putObject("latency_ms");
        ObjectNode e2e = latency.putObject("e2e");
        putStats(e2e, f.e2e());
        putIntervals(e2e, f.e2eIntervals());
        ObjectNode ttft = latency.putObject("ttft");
        putStats(ttft, f.ttft());
        putIntervals(ttft, f.ttftIntervals());
        putStats(latency.putObject("tpot"), f.tpot());
        putStats(latency.putObject("queue_wait"), f.queueWait());
        putStats(root.putObject("tokens_per_s"), f.tokensPerSec());
        putThroughput(root.putObject("throughput"), f.throughput());
        ObjectNode poolThroughput = root.putObject("throughput_by_pool");
        f.throughputByPool().forEach((pool, tp) -> putThroughput(poolThroughput.putObject(pool), tp));
        putPromptLength(root.putArray("by_prompt_length"), f.byPromptLength());
        ObjectNode tokens = root.putObject("tokens");
        tokens.put("n", f.latencyPopulation());
        tokens.put("mean_prompt_tokens", f.meanPromptTokens());
        tokens.put("mean_completion_tokens", f.meanCompletionTokens());
        root.put("percentile_method", Percentiles.METHOD);
        root.put("bootstrap_resamples", Bootstrap.RESAMPLES);
        putGroups(root.putObject("by_pool"), f.byPool());
        putGroups(root.putObject("by_worker"), f.byWorker());
        putOutliers(root.putArray("outliers"), f);
        ObjectNode definitions = root.putObject("definitions");
        definitions.put("unreliable", LatencyStats.EXTREME_RULE);
        definitions.put("tokens_per_s", TokenRate.DEFINITION);
        definitions.put("pass_rate_ci95", Wilson.METHOD);
        definitions.put("schema_valid", "results whose reply is valid against the schema: the passes, and the fails"
                + " whose reason is assertion_failed");
        definitions.put("assertions", AssertionFigures.DEFINITION);
        definitions.put("bootstrap_ci95", Bootstrap.METHOD);
        definitions.put("goodput", Goodput.DEFINITION);
        definitions.put("throughput", RunThroughput.DEFINITION);
        definitions.put("by_prompt_length", PromptLengthBucket.DEFINITION);
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
        ArrayNode unreliable = node.putArray("unreliable");
        if (s != null) {
            s.unreliable().forEach(unreliable::add);
        }
    }

    /** Beside the figures they qualify: {@code p50_ci95}, {@code p95_ci95} and the seed that drew them. */
    private static void putIntervals(ObjectNode node, Bootstrap.Intervals ci) {
        putInterval(node, "p50_ci95", ci == null ? null : ci.p50());
        putInterval(node, "p95_ci95", ci == null ? null : ci.p95());
        node.put("bootstrap_seed", ci == null ? null : ci.seed());
    }

    /** {@code [lo, hi]}, or null when the interval does not exist. */
    private static void putInterval(ObjectNode node, String name, Interval ci) {
        if (ci == null) {
            node.putNull(name);
        } else {
            node.putArray(name).add(ci.lo()).add(ci.hi());
        }
    }

    private static void putThroughput(ObjectNode node, RunThroughput tp) {
        node.put("timed", tp.timed());
        node.put("makespan_ms", tp.makespanMs());
        node.put("completed", tp.completed());
        node.put("input_tokens", tp.inputTokens());
        node.put("output_tokens", tp.outputTokens());
        node.put("requests_per_s", tp.requestsPerSec());
        node.put("output_tokens_per_s", tp.outputTokensPerSec());
        node.put("total_tokens_per_s", tp.totalTokensPerSec());
    }

    private static void putPromptLength(ArrayNode array, List<PromptLengthBucket> buckets) {
        for (PromptLengthBucket b : buckets) {
            ObjectNode node = array.addObject();
            node.put("prompt_tokens", b.label());
            node.put("n", b.n());
            putStats(node.putObject("ttft_ms"), b.ttft());
            putStats(node.putObject("e2e_ms"), b.e2e());
        }
    }

    private static void putGoodput(ObjectNode root, Goodput g) {
        if (g.slo().isSet()) {
            ObjectNode slo = root.putObject("slo");
            slo.put("e2e_ms", g.slo().e2eMs());
            slo.put("ttft_ms", g.slo().ttftMs());
        } else {
            root.putNull("slo");
        }
        root.put("goodput_count", g.good());
        root.put("goodput", g.rate());
        root.put("goodput_of_expected", g.rateOfExpected());
        putInterval(root, "goodput_ci95", g.ci95());
    }

    private static void putGroups(ObjectNode node, Map<String, GroupFigures> groups) {
        groups.forEach((name, g) -> {
            ObjectNode group = node.putObject(name);
            group.put("n", g.n());
            group.put("passed", g.passed());
            group.put("pass_rate", g.passRate());
            putInterval(group, "pass_rate_ci95", g.passRateCi95());
            ObjectNode e2e = group.putObject("e2e_ms");
            LatencyStats s = g.e2e();
            e2e.put("n", s == null ? 0 : s.n());
            e2e.put("p50", s == null ? null : s.p50());
            e2e.put("p95", s == null ? null : s.p95());
            ArrayNode unreliable = e2e.putArray("unreliable");
            if (s != null) {
                s.unreliable().stream().filter(p -> p.equals("p50") || p.equals("p95")).forEach(unreliable::add);
            }
            group.put("tokens_per_s_mean", g.tokensPerSecMean());
            group.put("tokens_per_s_n", g.tokensPerSecN());
        });
    }

    private static void putAssertions(ArrayNode array, RunFigures f) {
        for (AssertionFigures a : f.assertions()) {
            ObjectNode node = array.addObject();
            node.put("name", a.label());
            node.put("n", a.n());
            node.put("held", a.held());
            node.put("pass_rate", a.passRate());
            putInterval(node, "pass_rate_ci95", a.ci95());
        }
    }

    private static void putOutliers(ArrayNode array, RunFigures f) {
        for (Outlier o : f.outliers()) {
            ObjectNode node = array.addObject();
            node.put("prompt_id", o.result().promptId());
            o.reasons().forEach(node.putArray("reasons")::add);
            node.put("snapshot", Snapshots.href(o.result().promptId()));
        }
    }
}
