package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideBySideTest {

    @TempDir
    Path reports;

    private SideBySide table(List<String> labelColumns, List<List<String>> labels, Long rssA, Long rssB) throws Exception {
        ReportFolder a = ReportFolder.read(SideBySideFixtures.runA(reports));
        ReportFolder b = ReportFolder.read(SideBySideFixtures.runB(reports));
        return SideBySide.of(labelColumns, List.of(
                new SideBySide.Entry(1, labels.get(0), a, a.modelFigures(), rssA),
                new SideBySide.Entry(2, labels.get(1), b, b.modelFigures(), rssB)), reports.resolve("sweep-1"));
    }

    @Test
    void shouldQuoteEachRunsModelQualityAndSpeedFromItsReport() throws Exception {
        SideBySide t = table(List.of("model"), List.of(List.of("a.gguf"), List.of("b.gguf")), 734_003_200L, null);

        assertThat(t.header()).containsExactly("#", "model", "Run", "Model", "File size (MiB)", "Load (ms)", "Peak RSS (MiB)", "N",
                "Passed", "Pass rate", "Pass rate 95% CI", "E2E N", "E2E p50 (ms)", "E2E p95 (ms)", "E2E max (ms)", "TTFT p50 (ms)",
                "Decode tok/s p50", "Mean completion tokens", "Failures by reason", "Report");
        assertThat(t.texts()).containsExactly(
                List.of("1", "a.gguf", "run-a", "a-q4.gguf", "5.0", "120", "700.0", "4", "3", "75.0%", "[30.1%, 95.4%]", "4",
                        "325.0", "392.5†", "400.0", "125.0", "250.0", "50.0", "schema_violation 1", "report"),
                List.of("2", "b.gguf", "run-b", "b|<i>.gguf", "200.0", "1500", "—", "2", "2", "100.0%", "[34.2%, 100.0%]", "2",
                        "800.0", "980.0†", "1000.0", "200.0", "90.0", "55.0", "none", "report"));
    }

    @Test
    void shouldLinkEachReportRelativeToTheTablesFolderAndEscapeEveryCell() throws Exception {
        SideBySide t = table(List.of(), List.of(List.of(), List.of()), null, null);

        String md = t.markdown();
        assertThat(md).contains("| 2 | run-b | b\\|&lt;i>.gguf | 200.0 |").contains("[report](../run-a/report.md)")
                .contains("|---:|---|---|---:|");
        String html = t.html();
        assertThat(html).contains("<td>b|&lt;i&gt;.gguf</td>").contains("<a href=\"../run-b/report.html\">report</a>")
                .doesNotContain("<i>");
        assertThat(html.split("<tr>", -1)).hasSize(1 + 1 + 2);
    }

    @Test
    void shouldWriteADashForALoadTimeAReportDoesNotHave() throws Exception {
        Path dir = CompareFixtures.run(reports, "old", 2, CompareFixtures.tight(100, 2));
        ModelFiguresTest.dropLoadColumn(dir);
        ReportFolder old = ReportFolder.read(dir);

        SideBySide t = SideBySide.of(List.of(), List.of(new SideBySide.Entry(1, List.of(), old, old.modelFigures(), null)), reports);

        assertThat(t.texts().get(0).get(t.header().indexOf("Load (ms)"))).isEqualTo("—");
        assertThat(t.texts().get(0).get(t.header().indexOf("File size (MiB)"))).isEqualTo("11.8");
    }

    @Test
    void shouldWarnWhenAnyRunUsedTheSyntheticModel() throws Exception {
        assertThat(table(List.of(), List.of(List.of(), List.of()), null, null).syntheticWarning()).isNull();
    }
}
