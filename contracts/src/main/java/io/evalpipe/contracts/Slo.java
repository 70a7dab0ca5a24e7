package io.evalpipe.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The latency a run promises its callers, for goodput: the share of prompts that pass and meet
 * it. It travels in the {@link RunManifest}, so the aggregator judges each run by its own SLO.
 *
 * @param e2eMs  a result meets it when its e2e_ms is at most this; null: no E2E objective
 * @param ttftMs a result meets it when its ttft_ms is at most this; null: no TTFT objective
 */
public record Slo(Double e2eMs, Double ttftMs) {

    /** No objective: every pass counts as good, so goodput equals the pass rate. */
    public static final Slo NONE = new Slo(null, null);

    public Slo {
        requirePositive(e2eMs, "e2eMs");
        requirePositive(ttftMs, "ttftMs");
    }

    @JsonIgnore // a question asked of the record, not a field of the message
    public boolean isSet() {
        return e2eMs != null || ttftMs != null;
    }

    public boolean isMetBy(EvalResult r) {
        return isMetBy(r.e2eMs(), r.ttftMs());
    }

    /**
     * A result lacking a metric that has an objective does not meet it: a reply with no first
     * token cannot be shown to have come fast enough, and counting it as good would flatter the run.
     */
    public boolean isMetBy(Double resultE2eMs, Double resultTtftMs) {
        return within(resultE2eMs, e2eMs) && within(resultTtftMs, ttftMs);
    }

    /** "E2E ≤ 2000 ms, TTFT ≤ 500 ms", or "no SLO set". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (e2eMs != null) {
            parts.add(String.format(Locale.ROOT, "E2E ≤ %s ms", plain(e2eMs)));
        }
        if (ttftMs != null) {
            parts.add(String.format(Locale.ROOT, "TTFT ≤ %s ms", plain(ttftMs)));
        }
        return parts.isEmpty() ? "no SLO set" : String.join(", ", parts);
    }

    private static String plain(double ms) {
        return BigDecimal.valueOf(ms).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static boolean within(Double value, Double limit) {
        return limit == null || (value != null && value <= limit);
    }

    private static void requirePositive(Double value, String name) {
        if (value != null && !(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a positive number of milliseconds, was " + value);
        }
    }
}
