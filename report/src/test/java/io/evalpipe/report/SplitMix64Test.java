package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void shouldGiveThePublishedFirstOutputForSeedZero() {
        // The reference implementation's first output from state 0 (Vigna's splitmix64.c).
        assertThat(new SplitMix64(0).nextLong()).isEqualTo(0xe220a8397b1dcdafL);
    }

    @Test
    void shouldMatchTheJdksSplittableRandomDrawForDraw() {
        for (long seed : new long[] {0, 1, -691518455L, Long.MIN_VALUE}) {
            SplitMix64 ours = new SplitMix64(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                assertThat(ours.nextLong()).as("seed %d, draw %d", seed, i).isEqualTo(jdk.nextLong());
            }
        }
    }

    @Test
    void shouldScaleTheUpperBitsIntoTheBound() {
        SplitMix64 a = new SplitMix64(42);
        SplitMix64 b = new SplitMix64(42);
        for (int i = 0; i < 1000; i++) {
            int index = a.nextIndex(200);
            assertThat(index).isBetween(0, 199).isEqualTo((int) (((b.nextLong() >>> 32) * 200) >>> 32));
        }
        assertThat(new SplitMix64(7).nextIndex(1)).isZero();
        assertThatThrownBy(() -> new SplitMix64(7).nextIndex(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDrawEveryIndexAboutEquallyOften() {
        SplitMix64 random = new SplitMix64(3);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[random.nextIndex(10)]++;
        }
        // 10,000 expected each; 5 standard deviations is about 475.
        assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(9_500, 10_500));
    }
}
