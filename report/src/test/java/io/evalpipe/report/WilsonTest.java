package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WilsonTest {

    @ParameterizedTest(name = "{0}/{1} -> [{2}, {3}]")
    @CsvSource({
        // p = k/n, z = 1.959964: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
        "8,  10, 0.4901624715366418,  0.9433178485456248", // centre 0.716740, half 0.226578
        "0,  20, 0,                   0.16112515805281938", // centre = half = 0.080563
        "20, 20, 0.8388748419471806,  1",
        "3,  6,  0.18761630648265054, 0.8123836935173494", // symmetric around 0.5
        "5,  10, 0.236593090512564,   0.7634069094874361",
        "1,  2,  0.09453120573423074, 0.9054687942657693",
        "1,  1,  0.20654931437723745, 1",
        "0,  1,  0,                   0.7934506856227626",
    })
    void shouldComputeTheWilsonScoreIntervalByHand(int k, int n, double lo, double hi) {
        Interval ci = Wilson.ci95(k, n);

        assertThat(ci.lo()).isCloseTo(lo, within(1e-12));
        assertThat(ci.hi()).isCloseTo(hi, within(1e-12));
    }

    @Test
    void shouldMatchTheRoundedValuesOfTheReportDefinition() {
        assertThat(Wilson.ci95(8, 10).lo()).isCloseTo(0.4902, within(5e-5));
        assertThat(Wilson.ci95(8, 10).hi()).isCloseTo(0.9433, within(5e-5));
        assertThat(Wilson.ci95(0, 20).hi()).isCloseTo(0.1611, within(5e-5));
        assertThat(Wilson.ci95(20, 20).lo()).isCloseTo(0.8389, within(5e-5));
    }

    @Test
    void shouldPinTheBoundsToExactlyZeroAndOneAtTheEdges() {
        assertThat(Wilson.ci95(0, 20).lo()).isEqualTo(0.0);
        assertThat(Wilson.ci95(20, 20).hi()).isEqualTo(1.0);
    }

    @Test
    void shouldGiveNoIntervalForNoTrials() {
        assertThat(Wilson.ci95(0, 0)).isNull();
    }

    @Test
    void shouldRejectImpossibleCounts() {
        assertThatThrownBy(() -> Wilson.ci95(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wilson.ci95(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
