package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TwoSampleBootstrapTest {

    static List<TwoSampleBootstrap.Sample> samples(double[] e2e) {
        List<TwoSampleBootstrap.Sample> out = new ArrayList<>();
        for (int i = 0; i < e2e.length; i++) {
            out.add(new TwoSampleBootstrap.Sample(e2e[i], 100 + i));
        }
        return out;
    }

    @Test
    void shouldPutATightTripledP95RatioWellAboveOne() {
        double[] base = CompareFixtures.tight(100, 20);
        var d = TwoSampleBootstrap.of(samples(base), samples(CompareFixtures.times(base, 3)), 1);

        assertThat(d.p95Ratio().lo()).isGreaterThan(2.9);
        assertThat(d.p95Ratio().hi()).isLessThan(3.1);
        assertThat(d.p95Diff().lo()).isGreaterThan(190);
    }

    @Test
    void shouldGiveAWideRatioIntervalForWidelySpreadLatencies() {
        double[] base = CompareFixtures.wide(100, 20);
        var d = TwoSampleBootstrap.of(samples(base), samples(CompareFixtures.times(base, 1.05)), 1);

        assertThat(d.p95Ratio().contains(1.05)).isTrue();
        assertThat(d.p95Ratio().lo()).isLessThan(1.0);
        assertThat(d.p95Ratio().hi()).isGreaterThan(1.2);
    }

    @Test
    void shouldContainZeroForTheSameSampleTwice() {
        double[] base = CompareFixtures.wide(100, 20);
        var d = TwoSampleBootstrap.of(samples(base), samples(base), 7);

        assertThat(d.p50Diff().contains(0)).isTrue();
        assertThat(d.p50Ratio().contains(1)).isTrue();
        assertThat(d.meanCompletionTokensDiff().contains(0)).isTrue();
    }

    @Test
    void shouldGiveTheSameIntervalsForTheSameSeedWhateverTheRowOrder() {
        List<TwoSampleBootstrap.Sample> base = samples(CompareFixtures.wide(100, 20));
        List<TwoSampleBootstrap.Sample> cand = samples(CompareFixtures.wide(120, 20));
        List<TwoSampleBootstrap.Sample> shuffled = new ArrayList<>(cand);
        Collections.shuffle(shuffled, new Random(3));

        assertThat(TwoSampleBootstrap.of(base, shuffled, 42)).isEqualTo(TwoSampleBootstrap.of(base, cand, 42));
    }

    @Test
    void shouldSeedFromBothRunIds() {
        assertThat(TwoSampleBootstrap.seed("a", "b")).isEqualTo("a/b/e2e".hashCode());
        assertThat(TwoSampleBootstrap.seed("a", "b")).isNotEqualTo(TwoSampleBootstrap.seed("b", "a"));
    }

    @Test
    void shouldStateNoRatioWhenABaselineLatencyIsZero() {
        var d = TwoSampleBootstrap.of(samples(new double[] {0, 10, 20}), samples(new double[] {5, 10, 20}), 1);

        assertThat(d.p95Ratio()).isNull();
        assertThat(d.p95Diff()).isNotNull();
    }

    @Test
    void shouldReturnNullWhenASideIsEmpty() {
        assertThat(TwoSampleBootstrap.of(List.of(), samples(new double[] {1}), 1)).isNull();
    }
}
