package io.evalpipe.aggregator.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param failuresByReason     non-pass results by failure reason, most frequent first
 * @param e2e                  null when no result has the metric (see {@link LatencyStats#of})
 * @param latencyPopulation    how many results the latency and token figures cover
 * @param meanPromptTokens     over the latency population; null when it is empty
 */
record RunFigures(
        int expected,
        int n,
        int passed,
        int failed,
        int errors,
        Double passRate,
        Double passRateOfExpected,
        Map<String, Long> failuresByReason,
        int latencyPopulation,
        LatencyStats e2e,
        LatencyStats ttft,
        LatencyStats tpot,
        Double meanPromptTokens,
        Double meanCompletionTokens) {

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
                    + " Token means cover the same population.";

    /** The key under which a non-pass result that names no reason is counted. */
    static final String UNSPECIFIED_REASON = "unspecified";

    static RunFigures of(RunReport report) {
        List<EvalResult> results = report.results();
        int expected = report.manifest().promptCount();
        int n = results.size();
        int passed = count(results, ResultStatus.PASS);
        List<EvalResult> timed = results.stream().filter(r -> r.e2eMs() != null).toList();
        return new RunFigures(
                expected,
                n,
                passed,
                count(results, ResultStatus.FAIL),
                count(results, ResultStatus.ERROR),
                ratio(passed, n),
                ratio(passed, expected),
                failuresByReason(results),
                timed.size(),
                LatencyStats.of(timed.stream().map(EvalResult::e2eMs).toList()),
                LatencyStats.of(timed.stream().map(EvalResult::ttftMs).toList()),
                LatencyStats.of(timed.stream().map(EvalResult::tpotMs).toList()),
                mean(timed, EvalResult::promptTokens),
                mean(timed, EvalResult::completionTokens));
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
