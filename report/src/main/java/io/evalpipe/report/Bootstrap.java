package io.evalpipe.report;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * 95% percentile-bootstrap intervals of a sample's p50 and p95. At 20-200 prompts a p95 rests on
 * one or two replies; the interval shows how far it could move had the run drawn other prompts of
 * the same kind, which no closed formula states for percentiles without assuming a distribution.
 */
final class Bootstrap {

    static final int RESAMPLES = 2000;

    static final String METHOD = "95% percentile bootstrap: " + RESAMPLES + " resamples of the N values, drawn with"
            + " replacement by " + SplitMix64.METHOD + ", seeded with the String.hashCode() of \"<run id>/<metric>\""
            + " (so the same run always gives the same interval); the statistic (R-7) is computed on each resample,"
            + " and the interval is the 2.5th and 97.5th percentiles (R-7) of those " + RESAMPLES + " values."
            + " Below N = 20 a p95 interval is as unreliable as the p95 itself.";

    /** Both intervals come from the same resamples. */
    record Intervals(Interval p50, Interval p95, long seed) {}

    private Bootstrap() {}

    /**
     * The seed of a run's metric. String.hashCode and SplitMix64 are both specified to the
     * bit, so any JVM, today or later, draws the same resamples.
     */
    static long seed(String runId, String metric) {
        return (runId + "/" + metric).hashCode();
    }

    /**
     * @param values null elements are skipped, as in {@link LatencyStats#of}
     * @return null when there is no value
     */
    static Intervals percentiles(Collection<Double> values, long seed) {
        // Sorted first, so that the intervals do not depend on the order results arrived in.
        double[] x = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
        if (x.length == 0) {
            return null;
        }
        SplitMix64 random = new SplitMix64(seed);
        int n = x.length;
        // A resample of sorted values is held as how often each was drawn; its i-th smallest value
        // is then found by a binary search of the running counts, with no sort. The draws are the
        // same as filling an array and sorting it, and so are the intervals, to the bit.
        int[] drawnUpTo = new int[n];
        IntToDoubleFunction orderStatistic = i -> x[firstAbove(drawnUpTo, i)];
        double[] p50s = new double[RESAMPLES];
        double[] p95s = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            Arrays.fill(drawnUpTo, 0);
            for (int i = 0; i < n; i++) {
                drawnUpTo[random.nextIndex(n)]++;
            }
            for (int j = 1; j < n; j++) {
                drawnUpTo[j] += drawnUpTo[j - 1];
            }
            p50s[b] = Percentiles.ofOrderStatistics(n, 50, orderStatistic);
            p95s[b] = Percentiles.ofOrderStatistics(n, 95, orderStatistic);
        }
        return new Intervals(central95(p50s), central95(p95s), seed);
    }

    /** The first index whose running count exceeds {@code rank}: where the rank-th smallest draw sits. */
    private static int firstAbove(int[] runningCounts, int rank) {
        int lo = 0;
        int hi = runningCounts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (runningCounts[mid] > rank) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static Interval central95(double[] statistics) {
        Arrays.sort(statistics);
        return new Interval(Percentiles.percentile(statistics, 2.5), Percentiles.percentile(statistics, 97.5));
    }
}
