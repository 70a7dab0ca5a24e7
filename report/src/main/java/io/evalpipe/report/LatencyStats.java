package io.evalpipe.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Summary statistics of one latency metric over a run, in milliseconds (also used for decode
 * throughput, in tokens per second). Percentiles follow {@link Percentiles#percentile}.
 *
 * @param n    how many values the figures are computed from (at least one)
 */
public record LatencyStats(int n, double mean, double min, double p50, double p90, double p95, double p99, double max) {

    /** The percentiles reports state, in the order they state them. */
    static final int[] PERCENTILES = {50, 90, 95, 99};

    static final String EXTREME_RULE = "a percentile p of N values is marked unreliable (at the extreme) when"
            + " N < 100 / (100 - p): p50 when N < 2, p90 when N < 10, p95 when N < 20, p99 when N < 100."
            + " It then lies between the two largest values (R-7), so it mostly restates the maximum and one slow"
            + " reply moves it.";

    /**
     * Whether the {@code p}-th percentile of {@code n} values is at the extreme (see
     * {@link #EXTREME_RULE}). In integers, {@code n * (100 - p) < 100}, so that no rounding decides
     * the borderline cases (p95 at N = 20 is not marked).
     */
    public static boolean atExtreme(int n, int p) {
        return (long) n * (100 - p) < 100;
    }

    /** The names ({@code "p99"}) of this metric's percentiles that are at the extreme, p50 first. */
    public List<String> unreliable() {
        List<String> names = new ArrayList<>();
        for (int p : PERCENTILES) {
            if (atExtreme(n, p)) {
                names.add("p" + p);
            }
        }
        return List.copyOf(names);
    }

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
