package io.evalpipe.aggregator.report;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * Summary statistics of one latency metric over a run, in milliseconds. Percentiles follow
 * {@link Percentiles#percentile}.
 *
 * @param n    how many values the figures are computed from (at least one)
 */
public record LatencyStats(int n, double mean, double min, double p50, double p90, double p95, double p99, double max) {

    /**
     * The statistics of {@code valuesMs}, in any order.
     *
     * <p>Null elements are skipped, so that a metric can be collected straight from results, some
     * of which lack it (no first token, fewer than two tokens): {@code n} counts the values used.
     *
     * @return null when there is no value at all: a mean or a percentile of nothing does not exist,
     *         and any number standing for it (0, NaN) would either read as a real figure or make
     *         the JSON invalid
     * @throws IllegalArgumentException when a value is NaN or infinite: a broken timing should
     *                                  fail loudly rather than poison every figure
     */
    public static LatencyStats of(Collection<Double> valuesMs) {
        Objects.requireNonNull(valuesMs, "valuesMs");
        double[] sorted = valuesMs.stream()
                .filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        if (sorted.length == 0) {
            return null;
        }
        for (double v : sorted) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("latency is not finite: " + v);
            }
        }
        return new LatencyStats(
                sorted.length,
                Arrays.stream(sorted).sum() / sorted.length,
                sorted[0],
                Percentiles.percentile(sorted, 50),
                Percentiles.percentile(sorted, 90),
                Percentiles.percentile(sorted, 95),
                Percentiles.percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }
}
