package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final String SCRIPT = "<script>alert('x')</script>";

    private static String render(RunReport report) {
        return HtmlReport.render(report, RunFigures.of(report));
    }

    private static String hostileReport() {
        RunManifest m = Fixtures.manifest("run-h", "p1", "p2", "p3");
        RunReport report = Fixtures.report(m,
                Fixtures.pass("run-h", "p1", 300.0),
                result("run-h", "p2").fail(FailureReason.SCHEMA_VIOLATION, "/a: " + SCRIPT).output(SCRIPT)
                        .workerId("<b onmouseover=\"x()\">w</b>").pool("\"><script>p()</script>").build(),
                result("run-h", "p3").failureReason(SCRIPT).status(ResultStatus.ERROR).build());
        return render(report);
    }

    @Test
    void shouldEscapeTheFiveHtmlCharacters() {
        assertThat(Escape.html("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Escape.html(null)).isEmpty();
        assertThat(Escape.html("a\u0000b\tc\nd")).isEqualTo("a b\tc\nd");
    }

    /** The page without the viewer's two script elements, whose data {@link ReportViewerTest} checks. */
    private static String tables(String html) {
        ViewerPage page = ViewerPage.of(html);
        return html.replace(page.dataText(), "").replace(page.script(), "");
    }

    @Test
    void shouldKeepAScriptInAnErrorAsText() {
        String html = tables(hostileReport());

        assertThat(html.toLowerCase(Locale.ROOT).split("<script", -1)).as("the viewer's two").hasSize(3);
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("onmouseover=\"");
        assertThat(html).contains("/a: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("&lt;b onmouseover=&quot;x()&quot;&gt;w&lt;/b&gt;");
    }

    @Test
    void shouldNeedNothingFromOutsideTheFile() {
        String html = hostileReport().toLowerCase(Locale.ROOT);

        assertThat(html).doesNotContain("http:", "https:", "src=", "<link", "@import", "url(", "<script src", "fetch(",
                "xmlhttprequest", "websocket", "import(");
        assertThat(html).contains("<style>").contains("content-security-policy").contains("default-src 'none'")
                .doesNotContain("'unsafe-inline'; script-src 'unsafe", "'unsafe-eval'");
    }

    @Test
    void shouldShowTheRunParametersAndTheModelAsReportMdDoes() {
        RunManifest m = Fixtures.manifest("run-p").prompts("p1").pool("<i>gpu</i>")
                .params(GenerationParams.DEFAULTS).build();
        String html = render(Fixtures.report(m, Fixtures.pass("run-p", "p1", 300.0)));

        assertThat(html).contains("<h2>Run parameters</h2>", "<td>pool</td><td>&lt;i&gt;gpu&lt;/i&gt;</td>",
                "<td>max_tokens</td><td>" + GenerationParams.DEFAULTS.maxTokens() + "</td>",
                "<td>created_at</td><td>" + Fixtures.CREATED_AT + "</td>");
        assertThat(html).contains("<h2>Model</h2>", "<td>tiny-q4_k_m.gguf</td><td>0123456789ab</td>",
                "<td class=\"r\">11.8 MiB (12345678 bytes)</td><td>no</td>");
        String withoutModel = render(Fixtures.report(Fixtures.manifest("run-p").prompts("p1").model(null).build(),
                Fixtures.pass("run-p", "p1", 300.0)));
        assertThat(withoutModel).contains("<h2>Model</h2>\n<p class=\"note\">" + FigureTables.NO_MODEL + "</p>");
    }

    @Test
    void shouldShowTheFiguresChartsAndTables() {
        String html = hostileReport();

        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<h2>Summary</h2>", "<h2>Latency (ms)</h2>", "<h2>By pool</h2>", "<h2>By worker</h2>",
                        "<h2>Failures</h2>", "<h2>Outlier snapshots</h2>", "<h2>95% intervals</h2>", "<h2>Run throughput</h2>",
                        "<h2>Latency by prompt length</h2>")
                .contains("no SLO set")
                .contains(FigureTables.DAGGER_NOTE.substring(0, 20));
        // The E2E histogram and CDF, and TTFT against prompt tokens.
        assertThat(html.split("<svg ", -1)).hasSize(4);
        assertThat(html).contains("<a href=\"snapshots/p2.json\">p2</a>");
    }

    @Test
    void shouldSayWhenThereIsNoLatencyToPlot() {
        RunManifest m = Fixtures.manifest("run-e", "p1");
        String html = render(Fixtures.report(m, Fixtures.error("run-e", "p1", FailureReason.ENGINE_ERROR)));

        assertThat(html).contains("No result has an E2E latency to plot.").doesNotContain("<svg");
    }
}
