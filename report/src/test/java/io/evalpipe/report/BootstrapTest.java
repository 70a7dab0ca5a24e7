package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    private static final List<Double> SKEWED =
            List.of(310.0, 295.0, 420.0, 288.0, 1900.0, 305.0, 350.0, 333.0, 290.0, 401.0, 515.0, 299.0);

    @Test
    void shouldGiveTheSameIntervalsForTheSameInputAndSeed() {
        long seed = Bootstrap.seed("run-42", "e2e");

        assertThat(Bootstrap.percentiles(SKEWED, seed)).isEqualTo(Bootstrap.percentiles(SKEWED, seed));
    }

    @Test
    void shouldNotDependOnTheOrderOfTheValues() {
        List<Double> shuffled = new ArrayList<>(SKEWED);
        Collections.shuffle(shuffled, new java.util.Random(3));

        assertThat(Bootstrap.percentiles(shuffled, 11)).isEqualTo(Bootstrap.percentiles(SKEWED, 11));
    }

    @Test
    void shouldContainThePointEstimates() {
        double[] sorted = SKEWED.stream().mapToDouble(Double::doubleValue).sorted().toArray();

        Bootstrap.Intervals ci = Bootstrap.percentiles(SKEWED, Bootstrap.seed("run-42", "e2e"));

        assertThat(ci.p50().contains(Percentiles.percentile(sorted, 50))).isTrue();
        assertThat(ci.p95().contains(Percentiles.percentile(sorted, 95))).isTrue();
    }

    @Test
    void shouldGiveAZeroWidthIntervalForAConstantSample() {
        Bootstrap.Intervals ci = Bootstrap.percentiles(List.of(7.0, 7.0, 7.0, 7.0), 1);

        assertThat(ci.p50()).isEqualTo(new Interval(7.0, 7.0));
        assertThat(ci.p95()).isEqualTo(new Interval(7.0, 7.0));
    }

    @Test
    void shouldSpanBothValuesOfATwoValueSample() {
        // Resamples of {0, 1}: {0,0}, {0,1}, {1,1} with probability 1/4, 1/2, 1/4, so p50 is 0, 0.5
        // or 1 (p95: 0, 0.95 or 1); about 500 of the 2000 sit at each end, far more than the 50
        // that the 2.5th and 97.5th percentiles need.
        Bootstrap.Intervals ci = Bootstrap.percentiles(List.of(0.0, 1.0), 99);

        assertThat(ci.p50()).isEqualTo(new Interval(0.0, 1.0));
        assertThat(ci.p95()).isEqualTo(new Interval(0.0, 1.0));
    }

    @Test
    void shouldSpanTheSampleForTheMedianOfThreeValues() {
        // The median of a resample of {1, 2, 3} is 1 when at least two draws are 1:
        // 3·(1/3)²·(2/3) + (1/3)³ = 7/27 ≈ 26% of resamples, and likewise 3; so [1, 3].
        Bootstrap.Intervals ci = Bootstrap.percentiles(List.of(1.0, 2.0, 3.0), 5);

        assertThat(ci.p50()).isEqualTo(new Interval(1.0, 3.0));
    }

    @Test
    void shouldSeedFromTheHashOfRunIdAndMetric() {
        assertThat(Bootstrap.seed("run-42", "e2e")).isEqualTo(-691518455L).isEqualTo("run-42/e2e".hashCode());
        assertThat(Bootstrap.seed("run-42", "ttft")).isNotEqualTo(Bootstrap.seed("run-42", "e2e"));
    }

    @Test
    void shouldSkipNullsAndGiveNothingForNoValues() {
        assertThat(Bootstrap.percentiles(List.of(), 1)).isNull();
        assertThat(Bootstrap.percentiles(Arrays.asList(null, 4.0, null), 1).p95()).isEqualTo(new Interval(4.0, 4.0));
    }

    @Test
    void shouldGiveTheSameIntervalsAsSortingEveryResample() {
        java.util.Random values = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 19, 20, 200, 1000}) {
            List<Double> sample = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Ties included: latencies are often equal to the millisecond.
                sample.add(Math.floor(100 + 1000 * Math.exp(values.nextGaussian())));
            }
            long seed = Bootstrap.seed("run-" + n, "e2e");

            assertThat(Bootstrap.percentiles(sample, seed)).as("N = %d", n).isEqualTo(bySortingEachResample(sample, seed));
        }
    }

    /** The textbook procedure, a resample array sorted each time: the reference the counting must match to the bit. */
    private static Bootstrap.Intervals bySortingEachResample(List<Double> values, long seed) {
        double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        SplitMix64 random = new SplitMix64(seed);
        double[] sample = new double[x.length];
        double[] p50s = new double[Bootstrap.RESAMPLES];
        double[] p95s = new double[Bootstrap.RESAMPLES];
        for (int b = 0; b < Bootstrap.RESAMPLES; b++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = x[random.nextIndex(x.length)];
            }
            Arrays.sort(sample);
            p50s[b] = Percentiles.percentile(sample, 50);
            p95s[b] = Percentiles.percentile(sample, 95);
        }
        Arrays.sort(p50s);
        Arrays.sort(p95s);
        return new Bootstrap.Intervals(
                new Interval(Percentiles.percentile(p50s, 2.5), Percentiles.percentile(p50s, 97.5)),
                new Interval(Percentiles.percentile(p95s, 2.5), Percentiles.percentile(p95s, 97.5)), seed);
    }
}
