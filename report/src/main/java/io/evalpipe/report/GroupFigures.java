package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The figures of the results one pool, or one worker, produced: enough to see whether a slow or
 * failing slice of the fleet explains the run's figures. The interval and N are there because a
 * worker with 12 results differing by two passes from another is usually noise.
 *
 * @param e2e           over the group's results with an e2e_ms; null when none has one
 * @param tokensPerSecN how many results the tokens/s mean covers (see {@link TokenRate})
 */
record GroupFigures(
        String name,
        int n,
        int passed,
        double passRate,
        Interval passRateCi95,
        LatencyStats e2e,
        Double tokensPerSecMean,
        int tokensPerSecN) {

    /** The group of results that name no pool or worker; parentheses keep it apart from real ids. */
    static final String UNNAMED = "(none)";

    /** One entry per distinct key, in name order, so that two reports list groups alike. */
    static Map<String, GroupFigures> by(List<EvalResult> results, Function<EvalResult, String> key) {
        Map<String, List<EvalResult>> groups = results.stream().collect(Collectors.groupingBy(
                r -> Objects.requireNonNullElse(key.apply(r), UNNAMED), TreeMap::new, Collectors.toList()));
        Map<String, GroupFigures> figures = new LinkedHashMap<>();
        groups.forEach((name, members) -> figures.put(name, of(name, members)));
        return Collections.unmodifiableMap(figures);
    }

    static GroupFigures of(String name, List<EvalResult> members) {
        int n = members.size();
        int passed = (int) members.stream().filter(r -> r.status() == ResultStatus.PASS).count();
        List<Double> rates = members.stream().map(TokenRate::of).filter(Objects::nonNull).toList();
        return new GroupFigures(
                name,
                n,
                passed,
                (double) passed / n,
                Wilson.ci95(passed, n),
                LatencyStats.of(members.stream().map(EvalResult::e2eMs).toList()),
                rates.isEmpty() ? null : rates.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                rates.size());
    }
}
