package io.evalpipe.report.compare;

/**
 * What a gate concluded: about a candidate against its baseline ({@link Gates}), or about one run against an absolute
 * limit ({@link RunGates}). Only {@link #REGRESSION}, {@link #BEYOND_LIMIT} and {@link #NO_DATA} fail it.
 */
public enum Verdict {
    /** The point estimate is within the allowed change. */
    PASS("no regression", false),
    /**
     * The point estimate is beyond the allowed change, but the 95% interval reaches back within it:
     * a difference this size is what two runs of the same model often show by chance.
     */
    INCONCLUSIVE("inconclusive (within noise)", false),
    /** The whole 95% interval lies beyond the allowed change. */
    REGRESSION("regression", true),
    /** The candidate has nothing to judge (no result, or no latency at all): that must not pass silently. */
    NO_DATA("no data", true),
    /** The baseline has nothing to compare with; the candidate cannot be judged against it. */
    NO_BASELINE("nothing to compare with", false),
    /** An absolute gate: the run's point estimate is within the limit. */
    WITHIN_LIMIT("within the limit", false),
    /** An absolute gate: the run's point estimate is beyond the limit (its interval is printed beside it, not used). */
    BEYOND_LIMIT("beyond the limit", true);

    private final String label;
    private final boolean failed;

    Verdict(String label, boolean failed) {
        this.label = label;
        this.failed = failed;
    }

    public String label() {
        return label;
    }

    public boolean failed() {
        return failed;
    }
}
