package io.evalpipe.report;

import java.util.function.IntToDoubleFunction;

/**
 * Percentiles of a sample, by linear interpolation between closest ranks: the method Hyndman and
 * Fan number 7 (R's default {@code type = 7}), NumPy's default ({@code method="linear"}) and
 * Excel's {@code PERCENTILE.INC}. Picked because it is the one readers are most likely to check
 * a report against, and because it is defined for every sample size, one included.
 */
public final class Percentiles {

    /** How reports name the method, so that a reader can reproduce the figures. */
    public static final String METHOD = "linear interpolation between closest ranks (R-7, NumPy default)";

    private Percentiles() {}

    /**
     * The {@code p}-th percentile of {@code sortedAscending}.
     *
     * <p>With {@code n} values {@code x[0] <= ... <= x[n-1]}, let {@code h = (n - 1) * p / 100}
     * and {@code k = floor(h)}; the result is {@code x[k] + (h - k) * (x[k+1] - x[k])}, and
     * {@code x[n-1]} when {@code k = n - 1}. Hence:
     * <ul>
     *   <li>a single value is every percentile of itself;</li>
     *   <li>{@code p = 0} gives the minimum and {@code p = 100} the maximum;</li>
     *   <li>the result is never below the minimum nor above the maximum, and is non-decreasing
     *       in {@code p};</li>
     *   <li>the result need not be one of the values (the median of {@code [1, 2, 3, 4]} is 2.5).</li>
     * </ul>
     *
     * @param sortedAscending the sample, sorted ascending, not empty, every value finite; it is
     *                        read, never modified, and checked to be sorted (one linear pass)
     * @param p               the percentile, in [0, 100]
     * @throws IllegalArgumentException when the sample is null, empty, unsorted or holds a NaN or
     *                                  infinite value, or when {@code p} is outside [0, 100] or NaN
     */
    public static double percentile(double[] sortedAscending, double p) {
        if (sortedAscending == null || sortedAscending.length == 0) {
            throw new IllegalArgumentException("percentile of an empty sample");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be within [0, 100], was " + p);
        }
        double[] x = sortedAscending;
        checkSortedAndFinite(x);
        return ofOrderStatistics(x.length, p, i -> x[i]);
    }

    /**
     * The same percentile, for a sample that is not held as an array: {@code orderStatistic(i)}
     * gives its {@code i}-th smallest value (0-based). The bootstrap uses it on resamples that it
     * keeps as counts, so that each resample costs no sort. The caller has checked {@code n} and
     * {@code p}; only the two order statistics the result needs are asked for.
     */
    static double ofOrderStatistics(int n, double p, IntToDoubleFunction orderStatistic) {
        double h = (n - 1) * p / 100.0;
        int k = (int) Math.floor(h);
        if (k >= n - 1) {
            return orderStatistic.applyAsDouble(n - 1);
        }
        double fraction = h - k;
        double lower = orderStatistic.applyAsDouble(k);
        if (fraction == 0) {
            return lower;
        }
        double upper = orderStatistic.applyAsDouble(k + 1);
        if (lower == upper) {
            return lower;
        }
        double value = lower + fraction * (upper - lower);
        // Rounding in the product could step a hair outside the bracketing pair; the contract says
        // it never does.
        return Math.min(Math.max(value, lower), upper);
    }

    private static void checkSortedAndFinite(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("sample value " + i + " is not finite: " + x[i]);
            }
            if (i > 0 && x[i] < x[i - 1]) {
                throw new IllegalArgumentException(
                        "sample is not sorted ascending at index " + i + ": " + x[i - 1] + " > " + x[i]);
            }
        }
    }
}
