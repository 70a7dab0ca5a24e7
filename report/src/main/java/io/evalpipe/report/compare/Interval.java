package io.evalpipe.report.compare;

/**
 * A closed interval {@code [lo, hi]}: a 95% confidence interval of a run's figure or of the
 * difference (or ratio) between two runs' figures.
 */
public record Interval(double lo, double hi) {

    public Interval {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("interval bounds out of order or not numbers: [" + lo + ", " + hi + "]");
        }
    }

    public boolean contains(double value) {
        return lo <= value && value <= hi;
    }
}
