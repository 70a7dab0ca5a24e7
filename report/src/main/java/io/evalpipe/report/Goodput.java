package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.Slo;
import java.util.List;

/**
 * The share of prompts a caller could use: passed validation and met the SLO. A fast wrong reply
 * and a right reply after the caller gave up are both useless, which the pass rate alone hides.
 *
 * @param good           results that pass and meet {@code slo}
 * @param rate           good / n; null when n is 0
 * @param rateOfExpected good / expected, missing prompts counting as not good; null when expected is 0
 * @param ci95           Wilson interval of good / n; null when n is 0
 */
record Goodput(Slo slo, int good, Double rate, Double rateOfExpected, Interval ci95) {

    static final String DEFINITION = "goodput: the share of prompts whose result passes validation and meets"
            + " every objective of the SLO (e2e_ms <= SLO e2e, ttft_ms <= SLO ttft; a missing timing does not meet"
            + " its objective), of the results (N) and of the expected prompts; without an SLO it equals the pass rate.";

    static Goodput of(List<EvalResult> results, int expected, Slo slo) {
        int n = results.size();
        int good = (int) results.stream()
                .filter(r -> r.status() == ResultStatus.PASS && slo.isMetBy(r))
                .count();
        return new Goodput(slo, good, ratio(good, n), ratio(good, expected), Wilson.ci95(good, n));
    }

    private static Double ratio(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
