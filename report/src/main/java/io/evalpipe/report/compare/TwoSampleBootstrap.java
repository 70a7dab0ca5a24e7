package io.evalpipe.report.compare;

import io.evalpipe.report.Percentiles;
import io.evalpipe.report.SplitMix64;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * 95% percentile-bootstrap intervals of how two runs' E2E p50, p95 and mean completion tokens
 * differ. The runs are independent samples of prompts, so each is resampled on its own; no closed
 * formula gives the interval of a difference (or ratio) of percentiles without assuming a
 * distribution, and latency distributions have long, irregular tails.
 */
public final class TwoSampleBootstrap {

    public static final int RESAMPLES = 2000;

    public static final String METHOD = "95% percentile bootstrap of two independent samples: " + RESAMPLES
            + " times, the baseline's N_b results and then the candidate's N_c results are each drawn with replacement"
            + " (the results with an e2e_ms value, sorted by e2e_ms, read from results.csv)"
            + " by one " + SplitMix64.METHOD + ", seeded with the String.hashCode() of \"<baseline run id>/<candidate run id>/e2e\";"
            + " on each pair of resamples the p50 and p95 (R-7) and the mean completion tokens are computed,"
            + " and their difference (candidate - baseline) and ratio (candidate / baseline);"
            + " each interval is the 2.5th and 97.5th percentiles (R-7) of its " + RESAMPLES + " values.";

    /** One result of the latency population: its E2E and its completion tokens (null when unknown). */
    public record Sample(double e2eMs, Integer completionTokens) {}

    /**
     * @param p50Ratio  null when a baseline resample's p50 can be 0 (a zero latency): no ratio exists
     * @param p95Ratio  likewise
     * @param meanCompletionTokensDiff null when a side has no token counts
     */
    public record Deltas(Interval p50Diff, Interval p50Ratio, Interval p95Diff, Interval p95Ratio,
                         Interval meanCompletionTokensDiff, long seed) {}

    private TwoSampleBootstrap() {}

    /** The seed of a pair of runs: String.hashCode and SplitMix64 are specified to the bit, so any JVM agrees. */
    public static long seed(String baselineRunId, String candidateRunId) {
        return (baselineRunId + "/" + candidateRunId + "/e2e").hashCode();
    }

    /**
     * @return null when either side is empty
     */
    public static Deltas of(List<Sample> baseline, List<Sample> candidate, long seed) {
        if (baseline.isEmpty() || candidate.isEmpty()) {
            return null;
        }
        // Sorted first, so that the intervals do not depend on the order of the CSV rows.
        Sample[] b = sorted(baseline);
        Sample[] c = sorted(candidate);
        boolean ratios = b[0].e2eMs() > 0;
        boolean tokens = Arrays.stream(b).allMatch(s -> s.completionTokens() != null)
                && Arrays.stream(c).allMatch(s -> s.completionTokens() != null);
        SplitMix64 random = new SplitMix64(seed);
        double[] p50Diff = new double[RESAMPLES];
        double[] p50Ratio = new double[RESAMPLES];
        double[] p95Diff = new double[RESAMPLES];
        double[] p95Ratio = new double[RESAMPLES];
        double[] tokensDiff = new double[RESAMPLES];
        double[] bE2e = new double[b.length];
        double[] cE2e = new double[c.length];
        for (int i = 0; i < RESAMPLES; i++) {
            double bTokens = draw(b, bE2e, random);
            double cTokens = draw(c, cE2e, random);
            double b50 = Percentiles.percentile(bE2e, 50);
            double c50 = Percentiles.percentile(cE2e, 50);
            double b95 = Percentiles.percentile(bE2e, 95);
            double c95 = Percentiles.percentile(cE2e, 95);
            p50Diff[i] = c50 - b50;
            p95Diff[i] = c95 - b95;
            p50Ratio[i] = ratios ? c50 / b50 : 0;
            p95Ratio[i] = ratios ? c95 / b95 : 0;
            tokensDiff[i] = cTokens - bTokens;
        }
        return new Deltas(central95(p50Diff), ratios ? central95(p50Ratio) : null, central95(p95Diff),
                ratios ? central95(p95Ratio) : null, tokens ? central95(tokensDiff) : null, seed);
    }

    /** Fills {@code e2e} with one resample, sorted, and returns the resample's mean completion tokens. */
    private static double draw(Sample[] from, double[] e2e, SplitMix64 random) {
        long tokens = 0;
        for (int i = 0; i < e2e.length; i++) {
            Sample s = from[random.nextIndex(from.length)];
            e2e[i] = s.e2eMs();
            tokens += s.completionTokens() == null ? 0 : s.completionTokens();
        }
        Arrays.sort(e2e);
        return (double) tokens / e2e.length;
    }

    private static Sample[] sorted(List<Sample> samples) {
        return samples.stream()
                .sorted(Comparator.comparingDouble(Sample::e2eMs)
                        .thenComparing(Sample::completionTokens, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toArray(Sample[]::new);
    }

    private static Interval central95(double[] statistics) {
        Arrays.sort(statistics);
        return new Interval(Percentiles.percentile(statistics, 2.5), Percentiles.percentile(statistics, 97.5));
    }
}
