package io.evalpipe.report.compare;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Absolute limits on one run, as {@code evalctl run --min-pass-rate 0.9 --max-p95 15s} and a suite's
 * {@code gates:} set them. {@link Gates} judges a run against a baseline and lets the interval decide;
 * these judge a run on its own and the <b>point estimate decides</b>: a limit a user sets is a line
 * they drew, and a run of 20 prompts at 85% is below a 90% line even though its interval reaches past
 * it. The run's 95% interval is printed beside every finding, so a reader sees how firmly the run
 * stands on either side of the line.
 *
 * <p>A prompt with no result (a report written at the deadline) counts against every gate: it did not
 * pass, it was not good, and it is an error. Otherwise a run cut short by its deadline would look
 * better than the same run finished.
 *
 * @param minPassRate passed / expected must be at least this (0 to 1); null for no gate
 * @param minGoodput  good / expected (passed and within the SLO) must be at least this; null for no gate
 * @param maxP95      the E2E p95 of the report must be at most this; null for no gate
 * @param maxErrors   results with status {@code error}, plus prompts with no result, must be at most this; null for no gate
 */
public record RunGates(Double minPassRate, Double minGoodput, Duration maxP95, Integer maxErrors) {

    public static final String MIN_PASS_RATE = "min_pass_rate";
    public static final String MIN_GOODPUT = "min_goodput";
    public static final String MAX_P95 = "max_p95";
    public static final String MAX_ERRORS = "max_errors";

    public static final RunGates NONE = new RunGates(null, null, null, null);

    /** @throws IllegalArgumentException for a rate outside [0, 1], a p95 not above zero or a negative error count */
    public RunGates {
        if (minPassRate != null && !(minPassRate >= 0 && minPassRate <= 1)) {
            throw new IllegalArgumentException("the minimum pass rate must be within [0, 1], got " + minPassRate);
        }
        if (minGoodput != null && !(minGoodput >= 0 && minGoodput <= 1)) {
            throw new IllegalArgumentException("the minimum goodput must be within [0, 1], got " + minGoodput);
        }
        if (maxP95 != null && (maxP95.isNegative() || maxP95.isZero())) {
            throw new IllegalArgumentException("the maximum p95 must be above zero, got " + maxP95.toMillis() + " ms");
        }
        if (maxErrors != null && maxErrors < 0) {
            throw new IllegalArgumentException("the maximum number of errors must be 0 or more, got " + maxErrors);
        }
    }

    public boolean isSet() {
        return minPassRate != null || minGoodput != null || maxP95 != null || maxErrors != null;
    }

    /** One result per gate that is set, in the order of the record's components. */
    public List<GateResult> evaluate(ReportFolder r) {
        List<GateResult> results = new ArrayList<>();
        if (minPassRate != null) {
            results.add(minimum(MIN_PASS_RATE, "pass rate", r.passed(), r, r.passRateCi95(), minPassRate));
        }
        if (minGoodput != null) {
            ReportFolder.Goodput g = r.goodput();
            results.add(minimum(MIN_GOODPUT, "goodput", g.good(), r, g.ci95(), minGoodput));
        }
        if (maxP95 != null) {
            results.add(p95(r));
        }
        if (maxErrors != null) {
            results.add(errors(r));
        }
        return List.copyOf(results);
    }

    private static GateResult minimum(String name, String figure, int count, ReportFolder r, Interval ci95, double min) {
        String rule = String.format(Locale.ROOT, "fails when the %s (of the %d expected prompts; one with no result counts as not"
                + " passing) is below %s", figure, r.expected(), Format.percent(min));
        if (r.expected() == 0 || r.n() == 0) {
            return new GateResult(name, Verdict.NO_DATA, rule, "the run has no result at all");
        }
        double rate = (double) count / r.expected();
        boolean below = rate < min - Gates.TOLERANCE;
        String finding = figure + " " + Format.percent(rate) + " (" + count + "/" + r.expected() + "), 95% CI "
                + Format.percentInterval(ci95) + " over N=" + r.n() + missingNote(r) + ": " + (below ? "below" : "at or above")
                + " the minimum " + Format.percent(min);
        return new GateResult(name, below ? Verdict.BEYOND_LIMIT : Verdict.WITHIN_LIMIT, rule, finding);
    }

    private GateResult p95(ReportFolder r) {
        double limitMs = maxP95.toNanos() / 1e6;
        String rule = "fails when the E2E p95 is above " + Format.figure(limitMs) + " ms";
        if (r.e2e() == null) {
            return new GateResult(MAX_P95, Verdict.NO_DATA, rule, "the run has no E2E latency at all");
        }
        boolean above = r.e2e().p95() > limitMs + Gates.TOLERANCE;
        String finding = "E2E p95 " + Format.figure(r.e2e().p95()) + " ms, 95% CI " + Format.interval(r.e2e().p95Ci95()) + " ms (N="
                + r.e2e().n() + "): " + (above ? "above" : "at or below") + " the maximum " + Format.figure(limitMs) + " ms";
        return new GateResult(MAX_P95, above ? Verdict.BEYOND_LIMIT : Verdict.WITHIN_LIMIT, rule, finding);
    }

    private GateResult errors(ReportFolder r) {
        int missing = Math.max(0, r.expected() - r.n());
        int errors = r.errors() + missing;
        String rule = "fails when more than " + maxErrors + " prompt(s) end in an error or have no result";
        boolean over = errors > maxErrors;
        String finding = errors + " error(s) (" + r.errors() + " with status error, " + missing + " with no result) of "
                + r.expected() + " prompts: " + (over ? "more than" : "no more than") + " the maximum " + maxErrors;
        return new GateResult(MAX_ERRORS, over ? Verdict.BEYOND_LIMIT : Verdict.WITHIN_LIMIT, rule, finding);
    }

    private static String missingNote(ReportFolder r) {
        int missing = r.expected() - r.n();
        return missing > 0 ? ", " + missing + " prompt(s) with no result" : "";
    }
}
