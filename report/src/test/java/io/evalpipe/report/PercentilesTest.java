package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentilesTest {

    private static final double[] ONE_TO_FOUR = {1, 2, 3, 4};
    // The worked example of Wikipedia's "Percentile" article, and of Excel's PERCENTILE.INC.
    private static final double[] FIVE = {15, 20, 35, 40, 50};
    private static final double[] ONE_TO_TEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @ParameterizedTest(name = "[1,2,3,4] p{0} = {1}")
    @CsvSource({
        // h = 3 * p / 100; x[floor h] + frac(h) * (x[floor h + 1] - x[floor h])
        "0,   1",    // h = 0: the minimum
        "25,  1.75", // h = 0.75: 1 + 0.75 * 1
        "50,  2.5",  // h = 1.5:  2 + 0.5 * 1
        "90,  3.7",  // h = 2.7:  3 + 0.7 * 1
        "100, 4",    // h = 3: the maximum
    })
    void shouldInterpolateBetweenClosestRanksOfFourValues(double p, double expected) {
        assertThat(Percentiles.percentile(ONE_TO_FOUR, p)).isCloseTo(expected, within(1e-12));
    }

    @ParameterizedTest(name = "[15,20,35,40,50] p{0} = {1}")
    @CsvSource({
        // numpy.percentile([15, 20, 35, 40, 50], [5, 30, 40, 50, 95]) == [16., 23., 29., 35., 48.]
        "5,  16", // h = 0.2: 15 + 0.2 * 5
        "30, 23", // h = 1.2: 20 + 0.2 * 15
        "40, 29", // h = 1.6: 20 + 0.6 * 15
        "50, 35", // h = 2: x[2] exactly
        "95, 48", // h = 3.8: 40 + 0.8 * 10
    })
    void shouldMatchNumPyOnTheWikipediaExample(double p, double expected) {
        assertThat(Percentiles.percentile(FIVE, p)).isCloseTo(expected, within(1e-12));
    }

    @ParameterizedTest(name = "[1..10] p{0} = {1}")
    @CsvSource({
        // numpy.percentile(range(1, 11), [50, 90, 95, 99]) == [5.5, 9.1, 9.55, 9.91]
        "50, 5.5",  // h = 4.5
        "90, 9.1",  // h = 8.1
        "95, 9.55", // h = 8.55
        "99, 9.91", // h = 8.91
    })
    void shouldMatchNumPyOnTheTailOfTenValues(double p, double expected) {
        assertThat(Percentiles.percentile(ONE_TO_TEN, p)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void shouldReturnTheValueOfASingleValueSampleForEveryPercentile() {
        double[] single = {42.5};
        for (double p : new double[] {0, 1, 50, 99.9, 100}) {
            assertThat(Percentiles.percentile(single, p)).isEqualTo(42.5);
        }
    }

    @Test
    void shouldReturnTheRepeatedValueBetweenEqualNeighbours() {
        double[] ties = {5, 5, 5, 7};
        assertThat(Percentiles.percentile(ties, 50)).isEqualTo(5.0); // h = 1.5, x[1] = x[2] = 5
        assertThat(Percentiles.percentile(ties, 90)).isCloseTo(6.4, within(1e-12)); // h = 2.7: 5 + 0.7 * 2
    }

    @Test
    void shouldReturnMinAtZeroAndMaxAtHundred() {
        assertThat(Percentiles.percentile(FIVE, 0)).isEqualTo(15.0);
        assertThat(Percentiles.percentile(FIVE, 100)).isEqualTo(50.0);
    }

    @Test
    void shouldStayWithinMinAndMaxAndNeverDecreaseAsPGrows() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            double[] x = random.doubles(1 + random.nextInt(50), 0.001, 1e6).sorted().toArray();
            double previous = Double.NEGATIVE_INFINITY;
            for (double p = 0; p <= 100; p += 0.5) {
                double value = Percentiles.percentile(x, p);
                assertThat(value).isBetween(x[0], x[x.length - 1]).isGreaterThanOrEqualTo(previous);
                previous = value;
            }
        }
    }

    @Test
    void shouldLeaveTheSampleUntouched() {
        double[] x = {1, 2, 3, 4};
        Percentiles.percentile(x, 37);
        assertThat(x).containsExactly(1, 2, 3, 4);
    }

    @Test
    void shouldRejectAnEmptyOrNullSample() {
        assertThatThrownBy(() -> Percentiles.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.percentile(null, 50)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAnUnsortedSample() {
        assertThatThrownBy(() -> Percentiles.percentile(new double[] {1, 3, 2}, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sorted");
    }

    @Test
    void shouldRejectNonFiniteValues() {
        assertThatThrownBy(() -> Percentiles.percentile(new double[] {1, Double.NaN}, 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.percentile(new double[] {1, Double.POSITIVE_INFINITY}, 50))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAPercentileOutsideZeroToHundred() {
        for (double p : new double[] {-0.1, 100.1, Double.NaN}) {
            assertThatThrownBy(() -> Percentiles.percentile(ONE_TO_FOUR, p))
                    .as("p = %s", p)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldGiveTheMedianOfAnOddSampleAsItsMiddleValue() {
        double[] x = Arrays.stream(new double[] {9, 1, 5}).sorted().toArray();
        assertThat(Percentiles.percentile(x, 50)).isEqualTo(5.0);
    }
}
