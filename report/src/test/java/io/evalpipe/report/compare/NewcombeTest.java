package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NewcombeTest {

    /** Wilson's interval written out again here, so the test does not trust the code it checks. */
    static Interval wilson(int k, int n) {
        double z = 1.959963984540054;
        double p = (double) k / n;
        double den = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / den;
        double half = z / den * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new Interval(k == 0 ? 0 : centre - half, k == n ? 1 : centre + half);
    }

    static Interval newcombe(int kBase, int nBase, int kCand, int nCand) {
        return Newcombe.difference((double) kBase / nBase, wilson(kBase, nBase), (double) kCand / nCand, wilson(kCand, nCand));
    }

    /**
     * Newcombe (1998), Table II, method 10, whose examples state p₁ − p₂: here p₁ is the candidate
     * and p₂ the baseline, so each row is (candidate, baseline).
     */
    @ParameterizedTest(name = "{0}/{1} - {2}/{3} = [{4}, {5}]")
    @CsvSource({
        "56, 70, 48, 80, 0.0524, 0.3339",
        "9, 10, 3, 10, 0.1705, 0.8090",
        "6, 7, 2, 7, 0.0582, 0.8062",
        "5, 56, 0, 29, -0.0381, 0.1926",
        "0, 10, 0, 20, -0.1611, 0.2775",
        "0, 10, 0, 10, -0.2775, 0.2775",
        "10, 10, 0, 20, 0.6791, 1.0000",
        "10, 10, 0, 10, 0.6075, 1.0000",
    })
    void shouldReproduceNewcombesPublishedIntervals(int kCand, int nCand, int kBase, int nBase, double lo, double hi) {
        Interval ci = newcombe(kBase, nBase, kCand, nCand);

        assertThat(ci.lo()).isCloseTo(lo, within(0.00005));
        assertThat(ci.hi()).isCloseTo(hi, within(0.00005));
    }

    /** The values in {@link Newcombe#METHOD}, to full precision (computed independently in Python). */
    @Test
    void shouldGiveExactBoundsForARealDropFrom18To8Of20() {
        Interval ci = newcombe(18, 20, 8, 20);

        assertThat(ci.lo()).isCloseTo(-0.6950238889040178, within(1e-12));
        assertThat(ci.hi()).isCloseTo(-0.2068072607809917, within(1e-12));
    }

    @Test
    void shouldGiveExactBoundsForANoisyDropFrom17To16Of20() {
        Interval ci = newcombe(17, 20, 16, 20);

        assertThat(ci.lo()).isCloseTo(-0.28705567450406855, within(1e-12));
        assertThat(ci.hi()).isCloseTo(0.19190637060587362, within(1e-12));
    }

    @Test
    void shouldBeAntisymmetricWhenTheRunsSwapPlaces() {
        Interval forward = newcombe(18, 20, 8, 20);
        Interval backward = newcombe(8, 20, 18, 20);

        assertThat(backward.lo()).isCloseTo(-forward.hi(), within(1e-15));
        assertThat(backward.hi()).isCloseTo(-forward.lo(), within(1e-15));
    }

    @Test
    void shouldStayWithinMinusOneAndOneAtTheExtremes() {
        assertThat(newcombe(20, 20, 0, 20).lo()).isGreaterThanOrEqualTo(-1.0);
        assertThat(newcombe(0, 20, 20, 20).hi()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void shouldRejectARateOutsideItsOwnInterval() {
        assertThatThrownBy(() -> Newcombe.difference(0.9, new Interval(0.1, 0.5), 0.5, wilson(10, 20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside its interval");
    }
}
