package io.evalpipe.report;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.ResultStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A result worth reading whole: it did not pass, or it was slower than the run's p95. These are the
 * ones a team opens first, so each gets a snapshot file (see {@link Snapshots}).
 *
 * @param reasons why it was picked: its status ({@code fail}, {@code error}, or {@code no_status})
 *                and/or {@value #SLOW}
 */
record Outlier(EvalResult result, List<String> reasons) {

    static final String SLOW = "e2e_above_p95";

    Outlier {
        reasons = List.copyOf(reasons);
    }

    /**
     * Every result that is not a pass, and every result whose e2e_ms is strictly above {@code e2e}'s
     * p95, in the order given. Strictly: in a run of equal latencies nobody is slow.
     *
     * @param e2e the run's E2E statistics; null when no result has a latency
     */
    static List<Outlier> select(List<EvalResult> results, LatencyStats e2e) {
        List<Outlier> outliers = new ArrayList<>();
        for (EvalResult r : results) {
            List<String> reasons = new ArrayList<>(2);
            if (r.status() != ResultStatus.PASS) {
                reasons.add(r.status() == null ? "no_status" : r.status().wireName());
            }
            if (e2e != null && r.e2eMs() != null && r.e2eMs() > e2e.p95()) {
                reasons.add(SLOW);
            }
            if (!reasons.isEmpty()) {
                outliers.add(new Outlier(r, reasons));
            }
        }
        return List.copyOf(outliers);
    }
}
