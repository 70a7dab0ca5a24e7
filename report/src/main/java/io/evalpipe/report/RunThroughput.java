package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How much a run (or one pool's part of it) served per second of wall time, by the definitions of
 * vLLM's serving benchmark: request throughput = completed requests / duration, output token
 * throughput = output tokens of the completed requests / duration, total token throughput = their
 * input and output tokens / duration. The duration is the makespan: from the first job's start to
 * the last result's finish, over every result that has both times (errors too: they held a slot).
 *
 * <p>Unlike decode tokens/s, which is per request, this is the whole fleet's rate, so it grows with
 * workers and slots. Start and finish times are the workers' wall clocks: across machines the
 * makespan is only as good as their clock sync.
 *
 * @param timed        results with both a start and a finish time
 * @param makespanMs   first start to last finish; null when no result has both times
 * @param completed    results with a reply (status pass or fail): vLLM's completed requests
 * @param inputTokens  prompt tokens of the completed results
 * @param outputTokens completion tokens of the completed results (tokens decoded)
 */
record RunThroughput(int timed, Double makespanMs, int completed, long inputTokens, long outputTokens) {

    static final String DEFINITION = "makespan: first job start to last result finish (worker wall clocks) over the"
            + " results with both times, errors included; requests/s = completed requests (pass or fail: a reply came back)"
            + " / makespan; output tokens/s = their completion tokens / makespan; total tokens/s = their prompt and"
            + " completion tokens / makespan (vLLM's request, output and total token throughput).";

    static RunThroughput of(List<EvalResult> results) {
        List<EvalResult> timed = results.stream().filter(r -> r.startedAt() != null && r.finishedAt() != null).toList();
        Double makespan = null;
        if (!timed.isEmpty()) {
            Instant first = timed.stream().map(EvalResult::startedAt).min(Instant::compareTo).orElseThrow();
            Instant last = timed.stream().map(EvalResult::finishedAt).max(Instant::compareTo).orElseThrow();
            makespan = Duration.between(first, last).toNanos() / 1e6;
        }
        List<EvalResult> completed = results.stream().filter(r -> r.status() != ResultStatus.ERROR).toList();
        return new RunThroughput(timed.size(), makespan, completed.size(),
                completed.stream().mapToLong(EvalResult::promptTokens).sum(),
                completed.stream().mapToLong(EvalResult::completionTokens).sum());
    }

    /** Per {@link EvalResult#pool()}, in name order: each pool's own makespan. */
    static Map<String, RunThroughput> byPool(List<EvalResult> results) {
        Map<String, List<EvalResult>> pools = results.stream().collect(Collectors.groupingBy(
                r -> Objects.requireNonNullElse(r.pool(), GroupFigures.UNNAMED), TreeMap::new, Collectors.toList()));
        Map<String, RunThroughput> figures = new LinkedHashMap<>();
        pools.forEach((pool, members) -> figures.put(pool, of(members)));
        return Collections.unmodifiableMap(figures);
    }

    /** Null when there is no makespan, or it is zero: a rate over no time does not exist. */
    Double requestsPerSec() {
        return perSecond(completed);
    }

    Double outputTokensPerSec() {
        return perSecond(outputTokens);
    }

    Double totalTokensPerSec() {
        return perSecond(inputTokens + outputTokens);
    }

    private Double perSecond(double count) {
        return makespanMs == null || makespanMs <= 0 ? null : count / (makespanMs / 1000);
    }
}
