package io.evalpipe.aggregator.report;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Random;

/**
 * 95% percentile-bootstrap intervals of a sample's p50 and p95. At 20-200 prompts a p95 rests on
 * one or two replies; the interval shows how far it could move had the run drawn other prompts of
 * the same kind, which no closed formula states for percentiles without assuming a distribution.
 */
final class Bootstrap {

    static final int RESAMPLES = 2000;

    static final String METHOD = "95% percentile bootstrap: " + RESAMPLES + " resamples of the N values, drawn with"
            + " replacement by java.util.Random seeded with the String.hashCode() of \"<run id>/<metric>\""
            + " (so the same run always gives the same interval); the statistic (R-7) is computed on each resample,"
            + " and the interval is the 2.5th and 97.5th percentiles (R-7) of those " + RESAMPLES + " values."
            + " Below N = 20 a p95 interval is as unreliable as the p95 itself.";

    /** Both intervals come from the same resamples. */
    record Intervals(Interval p50, Interval p95, long seed) {}

    private Bootstrap() {}

    /**
     * The seed of a run's metric. String.hashCode and java.util.Random are both specified to the
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
        Random random = new Random(seed);
        double[] sample = new double[x.length];
        double[] p50s = new double[RESAMPLES];
        double[] p95s = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = x[random.nextInt(x.length)];
            }
            Arrays.sort(sample);
            p50s[b] = Percentiles.percentile(sample, 50);
            p95s[b] = Percentiles.percentile(sample, 95);
        }
        return new Intervals(central95(p50s), central95(p95s), seed);
    }

    private static Interval central95(double[] statistics) {
        Arrays.sort(statistics);
        return new Interval(Percentiles.percentile(statistics, 2.5), Percentiles.percentile(statistics, 97.5));
    }
}
