package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.Slo;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every figure a run's report states, computed once so that summary.json, report.md and the
 * published RunSummary cannot disagree.
 *
 * @param expected             prompt count of the manifest
 * @param n                    results received (the CSV's rows)
 * @param passRate             passed / n; null when n is 0, as there is no rate of nothing
 * @param passRateOfExpected   passed / expected, which counts missing prompts as not passed;
 *                             null when expected is 0
 * @param passRateCi95         Wilson interval of passed / n; null when n is 0
 * @param schemaValid          results whose reply is valid against the schema, assertions aside
 *                             (see {@link AssertionFigures#schemaValid}): without assertions it equals passed
 * @param schemaValidRate      schemaValid / n; null when n is 0
 * @param schemaValidCi95      Wilson interval of schemaValid / n; null when n is 0
 * @param assertions           the pass rate of each assertion of the run, in label order; empty with none
 * @param failuresByReason     non-pass results by failure reason, most frequent first
 * @param e2e                  null when no result has the metric (see {@link LatencyStats#of})
 * @param latencyPopulation    how many results the latency and token figures cover
 * @param queueWait            over every result with a queue_wait_ms (see {@link #LATENCY_POPULATION})
 * @param tokensPerSec         decode throughput, in tokens per second (see {@link TokenRate})
 * @param e2eIntervals         bootstrap intervals of the E2E p50 and p95; null with no E2E value
 * @param meanPromptTokens     over the latency population; null when it is empty
 * @param byPool               per {@link EvalResult#pool()}, in name order
 * @param byWorker             per {@link EvalResult#workerId()}, in name order
 * @param throughput           the run's requests and tokens per second over its makespan
 * @param throughputByPool     the same per pool, each over its own makespan, in name order
 * @param byPromptLength       latency by prompt tokens, every bucket listed
 * @param outliers             the results that get a snapshot, in manifest order
 */
record RunFigures(
        int expected,
        int n,
        int passed,
        int failed,
        int errors,
        Double passRate,
        Double passRateOfExpected,
        Interval passRateCi95,
        int schemaValid,
        Double schemaValidRate,
        Interval schemaValidCi95,
        List<AssertionFigures> assertions,
        Map<String, Long> failuresByReason,
        int latencyPopulation,
        LatencyStats e2e,
        LatencyStats ttft,
        LatencyStats tpot,
        LatencyStats queueWait,
        LatencyStats tokensPerSec,
        Bootstrap.Intervals e2eIntervals,
        Bootstrap.Intervals ttftIntervals,
        Double meanPromptTokens,
        Double meanCompletionTokens,
        Goodput goodput,
        Map<String, GroupFigures> byPool,
        Map<String, GroupFigures> byWorker,
        RunThroughput throughput,
        Map<String, RunThroughput> throughputByPool,
        List<PromptLengthBucket> byPromptLength,
        List<Outlier> outliers) {

    /**
     * Who counts in the latency figures. Errors that ran until stopped (timeouts) are kept: their
     * E2E is the time to cancellation, which is what a caller waited, and dropping them would make
     * the tail look better exactly when it is worst. Errors with no timing (the engine failed
     * before generating) have nothing to contribute.
     */
    static final String LATENCY_POPULATION =
            "results with an e2e_ms value, whatever their status: in practice every pass and fail (they have a reply)"
                    + " plus the errors that ran until stopped, such as timeouts, whose e2e_ms is the time to cancellation;"
                    + " errors without timings and missing prompts are excluded."
                    + " ttft and tpot cover those results of this population that have the value"
                    + " (no first token: no ttft; fewer than two tokens: no tpot)."
                    + " Token means cover the same population."
                    + " queue_wait covers every result with a queue_wait_ms value, errors without timings included:"
                    + " the wait happened before the engine was asked; it compares the wall clocks of two machines."
                    + " tokens_per_s covers the results of the latency population where it is defined.";

    /** The key under which a non-pass result that names no reason is counted. */
    static final String UNSPECIFIED_REASON = "unspecified";

    static RunFigures of(RunReport report) {
        return of(report, Slo.NONE);
    }

    static RunFigures of(RunReport report, Slo slo) {
        Objects.requireNonNull(slo, "slo");
        List<EvalResult> results = report.results();
        String runId = report.manifest().runId();
        int expected = report.manifest().promptCount();
        int n = results.size();
        int passed = count(results, ResultStatus.PASS);
        int schemaValid = (int) results.stream().filter(AssertionFigures::schemaValid).count();
        List<EvalResult> timed = results.stream().filter(r -> r.e2eMs() != null).toList();
        List<Double> e2eValues = timed.stream().map(EvalResult::e2eMs).toList();
        List<Double> ttftValues = timed.stream().map(EvalResult::ttftMs).toList();
        LatencyStats e2e = LatencyStats.of(e2eValues);
        return new RunFigures(
                expected,
                n,
                passed,
                count(results, ResultStatus.FAIL),
                count(results, ResultStatus.ERROR),
                ratio(passed, n),
                ratio(passed, expected),
                Wilson.ci95(passed, n),
                schemaValid,
                ratio(schemaValid, n),
                Wilson.ci95(schemaValid, n),
                AssertionFigures.of(results),
                failuresByReason(results),
                timed.size(),
                e2e,
                LatencyStats.of(ttftValues),
                LatencyStats.of(timed.stream().map(EvalResult::tpotMs).toList()),
                LatencyStats.of(results.stream().map(EvalResult::queueWaitMs).toList()),
                LatencyStats.of(timed.stream().map(TokenRate::of).toList()),
                Bootstrap.percentiles(e2eValues, Bootstrap.seed(runId, "e2e")),
                Bootstrap.percentiles(ttftValues, Bootstrap.seed(runId, "ttft")),
                mean(timed, EvalResult::promptTokens),
                mean(timed, EvalResult::completionTokens),
                Goodput.of(results, expected, slo),
                GroupFigures.by(results, EvalResult::pool),
                GroupFigures.by(results, EvalResult::workerId),
                RunThroughput.of(results),
                RunThroughput.byPool(results),
                PromptLengthBucket.of(timed),
                Outlier.select(results, e2e));
    }

    private static int count(List<EvalResult> results, ResultStatus status) {
        return (int) results.stream().filter(r -> r.status() == status).count();
    }

    private static Double ratio(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static Double mean(List<EvalResult> results, Function<EvalResult, Integer> tokens) {
        return results.isEmpty() ? null : results.stream().mapToDouble(r -> tokens.apply(r)).average().orElseThrow();
    }

    private static Map<String, Long> failuresByReason(List<EvalResult> results) {
        // Counted in name order first, so that ties keep a stable order once sorted by count.
        Map<String, Long> counts = results.stream()
                .filter(r -> r.status() != ResultStatus.PASS)
                .collect(Collectors.groupingBy(
                        r -> r.failureReason() == null || r.failureReason().isBlank()
                                ? UNSPECIFIED_REASON
                                : r.failureReason(),
                        TreeMap::new,
                        Collectors.counting()));
        return Collections.unmodifiableMap(counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
    }
}
