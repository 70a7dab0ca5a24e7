package io.evalpipe.report.compare;

/**
 * How much worse a candidate may be before a gate calls a regression.
 *
 * @param maxPassRateDrop in absolute terms: 0.02 allows the pass rate to fall by 2 percentage points
 * @param maxP95Increase  relative: 0.20 allows the E2E p95 to grow by 20% (to 1.2 times the baseline's)
 */
public record Thresholds(double maxPassRateDrop, double maxP95Increase) {

    public static final Thresholds DEFAULTS = new Thresholds(0.02, 0.20);

    public Thresholds {
        if (!(maxPassRateDrop >= 0 && maxPassRateDrop <= 1)) {
            throw new IllegalArgumentException("the allowed pass-rate drop must be within [0, 1], got " + maxPassRateDrop);
        }
        if (!(maxP95Increase >= 0) || Double.isInfinite(maxP95Increase)) {
            throw new IllegalArgumentException("the allowed p95 increase must be 0 or more, got " + maxP95Increase);
        }
    }
}
