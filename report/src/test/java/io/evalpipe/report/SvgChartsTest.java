package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SvgChartsTest {

    @ParameterizedTest(name = "N = {0}: {1} bins")
    @CsvSource({"1, 1", "4, 2", "20, 5", "50, 8", "200, 15", "10000, 30"})
    void shouldUseCeilOfTheSquareRootOfNBinsAtMostThirty(int n, int bins) {
        assertThat(SvgCharts.binCount(n)).isEqualTo(bins);
    }

    @Test
    void shouldCountValuesInEqualWidthBinsWithTheMaximumInTheLast() {
        // 1..9 in 3 bins of width 8/3: [1, 3.67) [3.67, 6.33) [6.33, 9]
        assertThat(SvgCharts.histogram(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3)).containsExactly(3, 3, 3);
        // 1..10 in 3 bins of width 3: [1, 4) [4, 7) [7, 10]
        assertThat(SvgCharts.histogram(new double[] {1, 2, 3, 4, 10}, 3)).containsExactly(3, 1, 1);
    }

    @Test
    void shouldPutEqualValuesInOneBin() {
        assertThat(SvgCharts.histogram(new double[] {5, 5, 5}, 2)).containsExactly(3);
    }

    @Test
    void shouldDrawOneBarPerBinAndMarkP50AndP95() {
        double[] sorted = {100, 200, 300, 400, 5000};

        String histogram = SvgCharts.histogram(sorted, "E2E latency (ms)");
        String ecdf = SvgCharts.ecdf(sorted, 300, 4080, "E2E latency (ms)");

        assertThat(histogram).startsWith("<svg").endsWith("</svg>");
        assertThat(histogram.split("<rect ", -1)).hasSize(1 + SvgCharts.binCount(5));
        assertThat(ecdf).contains("p50 300.0", "p95 4080.0").contains("<path d=\"M");
    }

    @Test
    void shouldDrawASingleValueWithoutDividingByZero() {
        double[] single = {250};

        assertThat(SvgCharts.histogram(single, "x")).doesNotContain("NaN", "Infinity");
        assertThat(SvgCharts.ecdf(single, 250, 250, "x")).doesNotContain("NaN", "Infinity");
    }
}
