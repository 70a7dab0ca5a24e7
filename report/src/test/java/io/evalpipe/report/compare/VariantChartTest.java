package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantChartTest {

    @TempDir
    Path reports;

    private List<VariantChart.Bar> fixtureBars() throws Exception {
        ReportFolder a = ReportFolder.read(SideBySideFixtures.runA(reports));
        ReportFolder b = ReportFolder.read(SideBySideFixtures.runB(reports));
        SideBySide t = SideBySide.of(List.of("model"), List.of(
                new SideBySide.Entry(1, List.of("a.gguf"), a, a.modelFigures(), null),
                new SideBySide.Entry(2, List.of("b.gguf"), b, b.modelFigures(), null)), reports);
        return VariantChart.bars(t);
    }

    @Test
    void shouldTakeEachRowsLabelPassRateIntervalAndP95FromTheTable() throws Exception {
        List<VariantChart.Bar> bars = fixtureBars();

        assertThat(bars).extracting(VariantChart.Bar::label).containsExactly("#1 model=a.gguf", "#2 model=b.gguf");
        assertThat(bars).extracting(VariantChart.Bar::passRate).containsExactly(0.75, 1.0);
        assertThat(bars).extracting(VariantChart.Bar::p95Ms).containsExactly(392.5, 980.0);
        assertThat(bars).allSatisfy(b -> assertThat(b.p95Unreliable()).isTrue());
    }

    @Test
    void shouldDrawPassRatesOnAZeroToHundredPercentScaleWithTheirIntervals() throws Exception {
        String svg = VariantChart.passRate(fixtureBars());

        assertThat(svg).startsWith("<svg").endsWith("</svg>");
        assertThat(svg.split("<rect ", -1)).hasSize(1 + 2);
        // 75% and 100% of the 360-pixel plot, from its left edge at 250.
        assertThat(svg).contains("<rect x=\"250\" y=\"28.0\" width=\"270.0\" height=\"14\"")
                .contains("<rect x=\"250\" y=\"50.0\" width=\"360.0\" height=\"14\"");
        assertThat(svg).contains("75.0% [30.1%, 95.4%]").contains("100.0% [34.2%, 100.0%]");
        assertThat(svg.split("<path d=\"M", -1)).as("a whisker per bar, and the axes").hasSize(1 + 2 + 1);
        assertThat(svg).contains(">0%<").contains(">100%<");
    }

    @Test
    void shouldScaleP95BarsToTheLargestAndMarkOnesOfFewValues() throws Exception {
        String svg = VariantChart.p95(fixtureBars());

        assertThat(svg).contains("width=\"144.2\"").contains("width=\"360.0\"");
        assertThat(svg).contains("392.5 ms†").contains("980.0 ms†").contains(">980.0<");
    }

    @Test
    void shouldEscapeLabelsAndCutLongOnesKeepingThemWholeInTheTooltip() {
        String label = "#1 model=<script>alert(1)</script>-and-a-much-longer-name.gguf";
        List<VariantChart.Bar> bars = List.of(new VariantChart.Bar(label, 0.5, new Interval(0.2, 0.8), 100.0, false));

        String html = VariantChart.html(bars);

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;-and-a-much-longer-name.gguf</title>");
        assertThat(html).contains("#1 model=&lt;script&gt;alert(1)&lt;/script&gt;-an…<title>");
        assertThat(html).contains("100.0 ms<").doesNotContain("100.0 ms†");
    }

    @Test
    void shouldDrawARunWithoutResultsAsADashWithoutDividingByZero() {
        List<VariantChart.Bar> bars = List.of(new VariantChart.Bar("#1 empty", null, null, null, false));

        String html = VariantChart.html(bars);

        assertThat(html).doesNotContain("NaN", "Infinity", "<rect ").contains(">—<");
    }
}
