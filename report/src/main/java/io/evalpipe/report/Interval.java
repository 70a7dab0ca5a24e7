package io.evalpipe.report;

/**
 * A closed interval {@code [lo, hi]}: a 95% confidence interval in the reports, which summary.json
 * writes as a two-element array.
 */
record Interval(double lo, double hi) {

    Interval {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("interval bounds out of order or not numbers: [" + lo + ", " + hi + "]");
        }
    }

    boolean contains(double value) {
        return lo <= value && value <= hi;
    }

    double width() {
        return hi - lo;
    }
}
