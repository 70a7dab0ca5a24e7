package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.assertions.AssertionOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pass rate of one assertion over the run: how many of the replies it was checked on satisfied
 * it. With 20-200 prompts an assertion often sits on a handful of them, hence N and the interval.
 *
 * @param label the assertion's name, else its pointer, operator and value
 * @param n     schema-valid results that carry the assertion (only those are checked against it)
 * @param held  how many of them satisfy it
 * @param ci95  Wilson interval of held / n
 */
record AssertionFigures(String label, int n, int held, double passRate, Interval ci95) {

    static final String DEFINITION = "An assertion's pass rate is over the schema-valid results that carry it (N):"
            + " a reply that is not valid against the schema is not checked against its assertions, its failure being"
            + " the schema's. An unnamed assertion is labelled by pointer, operator and value; where several assertions"
            + " of one prompt share a name, that prompt counts once for it, as held when all of them hold.";

    /** A reply valid against the schema: a pass, or a fail on its assertions alone. */
    static boolean schemaValid(EvalResult r) {
        return r.status() == ResultStatus.PASS
                || r.status() == ResultStatus.FAIL && FailureReason.ASSERTION_FAILED.wireName().equals(r.failureReason());
    }

    /** One entry per label, in name order, so that two reports list assertions alike. */
    static List<AssertionFigures> of(List<EvalResult> results) {
        Map<String, int[]> counts = new TreeMap<>(); // label -> {n, held}
        for (EvalResult r : results) {
            Map<String, Boolean> byLabel = new LinkedHashMap<>();
            for (AssertionOutcome o : r.assertions()) {
                byLabel.merge(o.label(), o.held(), Boolean::logicalAnd);
            }
            byLabel.forEach((label, held) -> {
                int[] c = counts.computeIfAbsent(label, l -> new int[2]);
                c[0]++;
                c[1] += held ? 1 : 0;
            });
        }
        List<AssertionFigures> figures = new ArrayList<>();
        counts.forEach((label, c) -> figures.add(new AssertionFigures(label, c[0], c[1], (double) c[1] / c[0], Wilson.ci95(c[1], c[0]))));
        return List.copyOf(figures);
    }
}
