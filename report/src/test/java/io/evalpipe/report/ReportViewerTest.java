package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.RunManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The viewer's data and script as embedded in report.html; {@link ViewerBrowserTest} works them in a browser. */
class ReportViewerTest {

    static final String BREAKOUT = "</script><script>alert(1)</script>";
    static final String HOSTILE_ID = "</SCRIPT><img src=x onerror=alert(2)>";
    /** Every kind of text that could end the data block, confuse the parser or the encoder, or be mangled. */
    static final List<String> HOSTILE = List.of(
            BREAKOUT,
            "<!--<script>",
            "<img src=x onerror=\"alert(3)\">&amp;&lt;",
            "\"double\" 'single' `back` \\slash\\ \\u003c",
            "nul\u0000 bell\u0007 esc\u001b del\u007f nel\u0085 ls\u2028 ps\u2029 tab\t nl\n cr\r end",
            "lone high \uD800, lone low \uDC00, pair \uD83D\uDE00, reversed \uDE00\uD83D");

    /** p1 a plain pass; p2 a failure with messages; the hostile id an error; p4 missing. */
    static RunReport hostileReport() {
        RunManifest m = Fixtures.manifest("run-v", "p1", "p2", HOSTILE_ID, "p4");
        return Fixtures.report(m,
                Fixtures.pass("run-v", "p1", 300.0),
                result("run-v", "p2").fail(FailureReason.SCHEMA_VIOLATION, HOSTILE.toArray(String[]::new))
                        .output(String.join("|", HOSTILE)).workerId(BREAKOUT).pool(HOSTILE.get(2)).notes(HOSTILE.get(4))
                        .messages(new ChatMessage("system", HOSTILE.get(3)), new ChatMessage(BREAKOUT, String.join("\n", HOSTILE)))
                        .e2eMs(900.0).build(),
                result("run-v", HOSTILE_ID).failureReason(BREAKOUT).status(io.evalpipe.contracts.ResultStatus.ERROR)
                        .output(HOSTILE.get(5)).e2eMs(null).ttftMs(null).build());
    }

    private static ViewerPage page(RunReport report) {
        return ViewerPage.of(HtmlReport.render(report, RunFigures.of(report)));
    }

    @Test
    void shouldEscapeWhatCouldEndTheDataBlockAsUnicodeEscapes() {
        assertThat(Escape.jsonForScript("</script>&")).isEqualTo("\"\\u003c/script\\u003e\\u0026\"");
        assertThat(Escape.jsonForScript("\u2028\u2029\u007f\u0085")).isEqualTo("\"\\u2028\\u2029\\u007f\\u0085\"");
        assertThat(Escape.jsonForScript("\uD800")).isEqualTo("\"\\ud800\"");
        assertThat(Escape.jsonForScript("é ü 中")).as("other text stays readable").isEqualTo("\"é ü 中\"");
    }

    @Test
    void shouldEmbedEveryResultThenEveryMissingPromptAsARow() {
        RunReport report = hostileReport();

        JsonNode prompts = page(report).data().get("prompts");

        assertThat(prompts).hasSize(4);
        for (int i = 0; i < report.results().size(); i++) {
            EvalResult r = report.results().get(i);
            JsonNode p = prompts.get(i);
            assertThat(p.get("id").asText()).isEqualTo(r.promptId());
            assertThat(p.get("status").asText()).isEqualTo(r.status().wireName());
            assertThat(p.get("reason").isNull() ? null : p.get("reason").asText()).isEqualTo(r.failureReason());
            assertThat(p.get("e2e_ms").isNull() ? null : p.get("e2e_ms").asDouble()).isEqualTo(r.e2eMs());
            assertThat(p.get("ttft_ms").isNull() ? null : p.get("ttft_ms").asDouble()).isEqualTo(r.ttftMs());
            assertThat(p.get("prompt_tokens").asInt()).isEqualTo(r.promptTokens());
            assertThat(p.get("completion_tokens").asInt()).isEqualTo(r.completionTokens());
            assertThat(p.get("worker").asText()).isEqualTo(r.workerId());
            assertThat(p.get("pool").asText()).isEqualTo(r.pool());
            assertThat(p.get("finish_reason").asText()).isEqualTo(r.finishReason());
            assertThat(p.get("output").asText()).isEqualTo(r.output());
            assertThat(texts(p.get("validation_errors"))).isEqualTo(r.validationErrors());
            assertThat(texts(p.get("notes"))).isEqualTo(r.notes());
            assertThat(p.get("messages")).hasSize(r.messages().size());
            for (int k = 0; k < r.messages().size(); k++) {
                assertThat(p.get("messages").get(k).get("role").asText()).isEqualTo(r.messages().get(k).role());
                assertThat(p.get("messages").get(k).get("content").asText()).isEqualTo(r.messages().get(k).content());
            }
        }
        JsonNode missing = prompts.get(3);
        assertThat(missing.get("id").asText()).isEqualTo("p4");
        assertThat(missing.get("status").asText()).isEqualTo(ReportViewer.MISSING);
    }

    @Test
    void shouldEmbedEachResultsAssertionOutcomes() {
        RunManifest manifest = Fixtures.manifest("asserted", "a");
        RunReport report = Fixtures.report(manifest, Fixtures.result("asserted", "a")
                .fail(FailureReason.ASSERTION_FAILED, "/score: min (score): expected a number of at least 1, actual absent")
                .assertions("/reply exists", true, "score", false).build());

        JsonNode assertions = page(report).data().get("prompts").get(0).get("assertions");

        assertThat(assertions).hasSize(2);
        assertThat(assertions.get(0).get("label").asText()).isEqualTo("/reply exists");
        assertThat(assertions.get(0).get("held").asBoolean()).isTrue();
        assertThat(assertions.get(1).get("label").asText()).isEqualTo("score");
        assertThat(assertions.get(1).get("held").asBoolean()).isFalse();
    }

    @Test
    void shouldReadHostileTextBackExactly() {
        JsonNode p2 = page(hostileReport()).data().get("prompts").get(1);

        assertThat(texts(p2.get("validation_errors"))).isEqualTo(HOSTILE);
        assertThat(p2.get("output").asText()).isEqualTo(String.join("|", HOSTILE));
        assertThat(p2.get("messages").get(1).get("role").asText()).isEqualTo(BREAKOUT);
        assertThat(p2.get("messages").get(1).get("content").asText()).isEqualTo(String.join("\n", HOSTILE));
        assertThat(page(hostileReport()).data().get("prompts").get(2).get("id").asText()).isEqualTo(HOSTILE_ID);
    }

    @Test
    void shouldLeaveNothingInTheDataThatCouldEndItsBlock() {
        ViewerPage page = page(hostileReport());

        assertThat(page.dataText().chars().filter(c -> c == '<' || c == '>' || c == '&' || c == 0x2028
                || c == 0x2029 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate((char) c) || c < 0x20)
                .mapToObj(c -> String.format("U+%04X", c)).toList()).isEmpty();
        String lower = page.html().toLowerCase(Locale.ROOT);
        assertThat(count(lower, "<script")).as("the data block and the viewer's script, nothing else").isEqualTo(2);
        assertThat(count(lower, "</script")).isEqualTo(2);
        assertThat(lower).doesNotContain("<img");
    }

    @Test
    void shouldLetOnlyTheViewersScriptRunByItsHash() throws Exception {
        ViewerPage page = page(hostileReport());

        String hash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(page.script().getBytes(StandardCharsets.UTF_8)));
        assertThat(page.csp()).isEqualTo("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + hash + "'");
        assertThat(page.script()).isEqualTo(resource("viewer.js"));
    }

    @Test
    void shouldPutDataInThePageAsTextOnly() throws IOException {
        String script = resource("viewer.js");

        // Not one way of turning a string into markup or code; the comment at the top says why.
        assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "Function(", "setAttribute('on", "srcdoc", "createContextualFragment", "DOMParser");
        assertThat(Pattern.compile("\\.href\\s*=").matcher(script).results().count())
                .as("one link, to a snapshot path the script checks first").isEqualTo(1);
        assertThat(script).contains("SNAPSHOT.test(p.snapshot)");
    }

    @Test
    void shouldLinkASnapshotOnlyWhereOneIsWritten() {
        JsonNode prompts = page(hostileReport()).data().get("prompts");

        assertThat(prompts.get(0).get("snapshot").isNull()).as("a fast pass has none").isTrue();
        assertThat(prompts.get(1).get("snapshot").asText()).isEqualTo("snapshots/p2.json");
        assertThat(prompts.get(2).get("snapshot").isNull()).as("an id that is no file name has none").isTrue();
    }

    @Test
    void shouldShowAssertionsWhereTheDataHasThem() throws IOException {
        String script = resource("viewer.js");

        // The Java side adds the field with one line (see ReportViewer.row); the script reads both shapes.
        assertThat(script).contains("assertions(p.assertions)", "a.passed", "a.held", "a.expected", "a.actual");
        assertThat(page(hostileReport()).html()).contains("id=\"v-assertions-box\" hidden");
    }

    static String resource(String name) {
        try (InputStream in = ReportViewer.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
