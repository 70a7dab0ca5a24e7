package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyStatsTest {

    @Test
    void shouldComputeEveryFigureFromUnsortedValues() {
        LatencyStats s = LatencyStats.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
        // sorted [1, 2, 3, 4], h = 3 * p / 100
        assertThat(s.p50()).isCloseTo(2.5, within(1e-12));  // h = 1.5
        assertThat(s.p90()).isCloseTo(3.7, within(1e-12));  // h = 2.7
        assertThat(s.p95()).isCloseTo(3.85, within(1e-12)); // h = 2.85
        assertThat(s.p99()).isCloseTo(3.97, within(1e-12)); // h = 2.97
    }

    @Test
    void shouldGiveEveryFigureTheValueOfASingleValue() {
        assertThat(LatencyStats.of(List.of(812.5)))
                .isEqualTo(new LatencyStats(1, 812.5, 812.5, 812.5, 812.5, 812.5, 812.5, 812.5));
    }

    @Test
    void shouldReturnNullWhenThereIsNoValue() {
        assertThat(LatencyStats.of(List.of())).isNull();
        assertThat(LatencyStats.of(Arrays.asList(null, null))).isNull();
    }

    @Test
    void shouldSkipNullValuesAndCountOnlyTheOthers() {
        LatencyStats s = LatencyStats.of(Arrays.asList(300.0, null, 100.0));

        assertThat(s.n()).isEqualTo(2);
        assertThat(s.mean()).isEqualTo(200.0);
        assertThat(s.p50()).isEqualTo(200.0);
    }

    @Test
    void shouldRejectNonFiniteValues() {
        assertThatThrownBy(() -> LatencyStats.of(List.of(1.0, Double.NaN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.of(List.of(Double.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectANullCollection() {
        assertThatThrownBy(() -> LatencyStats.of(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "N = {0}, p{1}: {2}")
    @CsvSource({
        // at the extreme when N < 100 / (100 - p)
        "1,   50, true",  "2,   50, false",
        "9,   90, true",  "10,  90, false",
        "19,  95, true",  "20,  95, false",
        "99,  99, true",  "100, 99, false",
        "200, 99, false",
    })
    void shouldMarkAPercentileAtTheExtremeWhenNIsBelowHundredOverHundredMinusP(int n, int p, boolean expected) {
        assertThat(LatencyStats.atExtreme(n, p)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "N = {0}: {1}")
    @CsvSource(delimiter = ';', value = {
        "1;   p50 p90 p95 p99",
        "2;   p90 p95 p99",
        "5;   p90 p95 p99",
        "10;  p95 p99",
        "19;  p95 p99",
        "20;  p99",
        "99;  p99",
        "100; ''",
    })
    void shouldListTheUnreliablePercentilesOfASample(int n, String expected) {
        LatencyStats s = LatencyStats.of(Collections.nCopies(n, 10.0));

        assertThat(s.unreliable()).containsExactly(expected.isEmpty() ? new String[0] : expected.split(" "));
    }
}
