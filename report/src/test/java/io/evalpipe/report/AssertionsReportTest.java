package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Assertions table and the schema-valid rate: what each assertion's pass rate is over, and apart from the pass rate. */
class AssertionsReportTest {
    private static final String RUN = "run-a";

    @TempDir
    Path root;

    /**
     * Five prompts: a pass; two schema-valid replies that each fail one assertion; a schema
     * violation (not checked against its assertions); a pass without assertions. "score 1-5" is the
     * name of two assertions on p1 and p2; p2 fails one of them.
     */
    private static RunReport report() {
        RunManifest m = Fixtures.manifest(RUN, "p1", "p2", "p3", "p4", "p5");
        return Fixtures.report(m,
                result(RUN, "p1").assertions("closes the interview", true, "score 1-5", true, "score 1-5", true, "/reply exists", true).build(),
                result(RUN, "p2").fail(FailureReason.ASSERTION_FAILED, "/score: max (score 1-5): expected a number of at most 5, actual 7")
                        .assertions("closes the interview", true, "score 1-5", true, "score 1-5", false, "/reply exists", true).build(),
                result(RUN, "p3").fail(FailureReason.ASSERTION_FAILED, "/end_interview: equals (closes the interview): expected true, actual false")
                        .assertions("closes the interview", false, "/reply exists", true).build(),
                result(RUN, "p4").fail(FailureReason.SCHEMA_VIOLATION, "/reply: required: reply is missing").build(),
                result(RUN, "p5").build());
    }

    @Test
    void shouldGiveEachAssertionItsPassRateOverTheSchemaValidResultsThatCarryIt() {
        RunFigures f = RunFigures.of(report());

        assertThat(f.assertions()).extracting(AssertionFigures::label, AssertionFigures::n, AssertionFigures::held)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/reply exists", 3, 3),
                        org.assertj.core.groups.Tuple.tuple("closes the interview", 3, 2),
                        org.assertj.core.groups.Tuple.tuple("score 1-5", 2, 1));
        assertThat(f.assertions().get(1).passRate()).isEqualTo(2 / 3.0);
        // Wilson 2/3: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
        assertThat(f.assertions().get(1).ci95().lo()).isCloseTo(0.2076596, within(1e-6));
        assertThat(f.assertions().get(1).ci95().hi()).isCloseTo(0.9385084, within(1e-6));
    }

    @Test
    void shouldStateTheSchemaValidRateApartFromThePassRate() {
        RunFigures f = RunFigures.of(report());

        assertThat(f.passed()).isEqualTo(2);
        assertThat(f.passRate()).isEqualTo(0.4);
        assertThat(f.schemaValid()).isEqualTo(4);
        assertThat(f.schemaValidRate()).isEqualTo(0.8);
        assertThat(f.schemaValidCi95()).isEqualTo(Wilson.ci95(4, 5));
        assertThat(f.failuresByReason()).containsExactly(java.util.Map.entry("assertion_failed", 2L), java.util.Map.entry("schema_violation", 1L));
    }

    @Test
    void shouldWriteTheAssertionsTableWithNBesideEveryRate() throws IOException {
        new ReportWriter().write(report(), root);
        String md = Files.readString(root.resolve(RUN).resolve("report.md"));

        assertThat(md).contains("""
                ## Assertions

                | Assertion | N | Held | Pass rate | Pass rate 95% CI |
                |---|---:|---:|---:|---:|
                | /reply exists | 3 | 3 | 100.0% | [43.9%, 100.0%] |
                | closes the interview | 3 | 2 | 66.7% | [20.8%, 93.9%] |
                | score 1-5 | 2 | 1 | 50.0% | [9.5%, 90.5%] |
                """);
        assertThat(md).contains(AssertionFigures.DEFINITION.substring(0, 60));
        assertThat(md).contains("| Pass rate (of N) | 40.0% |", "| Schema-valid | 4 |", "| Schema-valid rate (of N) | 80.0% |",
                "| Schema-valid rate (of N), 95% CI | [37.6%, 96.4%] |");
        String html = Files.readString(root.resolve(RUN).resolve("report.html"));
        assertThat(html).contains("<h2>Assertions</h2>", "<td>closes the interview</td><td class=\"r\">3</td><td class=\"r\">2</td>");
    }

    @Test
    void shouldStateAssertionsAndSchemaValidityInSummaryJson() throws IOException {
        new ReportWriter().write(report(), root);
        JsonNode json = Json.WIRE.readTree(root.resolve(RUN).resolve("summary.json").toFile());

        assertThat(json.get("schema_valid").asInt()).isEqualTo(4);
        assertThat(json.get("schema_valid_rate").asDouble()).isEqualTo(0.8);
        assertThat(json.get("passed").asInt()).isEqualTo(2);
        JsonNode closes = json.get("assertions").get(1);
        assertThat(closes.get("name").asText()).isEqualTo("closes the interview");
        assertThat(closes.get("n").asInt()).isEqualTo(3);
        assertThat(closes.get("held").asInt()).isEqualTo(2);
        assertThat(closes.get("pass_rate").asDouble()).isEqualTo(2 / 3.0);
        assertThat(closes.get("pass_rate_ci95").get(0).asDouble()).isCloseTo(0.2076596, within(1e-6));
        assertThat(json.at("/definitions/assertions").asText()).isEqualTo(AssertionFigures.DEFINITION);
    }

    @Test
    void shouldSayWhenARunHasNoAssertionsAndEscapeAHostileName() throws IOException {
        RunManifest m = Fixtures.manifest("run-b", "p1", "p2");
        new ReportWriter().write(Fixtures.report(m, result("run-b", "p1").build(), result("run-b", "p2").build()), root);
        assertThat(Files.readString(root.resolve("run-b").resolve("report.md")))
                .contains("## Assertions\n\nNone: no prompt of this run has assertions, so a pass is a reply valid against the schema.");

        RunManifest hostile = Fixtures.manifest("run-c", "p1");
        new ReportWriter().write(Fixtures.report(hostile, result("run-c", "p1").assertions("a|b <script>", true).build()), root);
        assertThat(Files.readString(root.resolve("run-c").resolve("report.md"))).contains("| a\\|b &lt;script> | 1 | 1 |");
        assertThat(Files.readString(root.resolve("run-c").resolve("report.html"))).contains("<td>a|b &lt;script&gt;</td>");
    }

    @Test
    void shouldPutEachAssertionOutcomeInTheSnapshotOfAFailure() throws IOException {
        new ReportWriter().write(report(), root);
        JsonNode snapshot = Json.WIRE.readTree(root.resolve(RUN).resolve("snapshots").resolve("p3.json").toFile());

        assertThat(snapshot.get("assertions").toString())
                .isEqualTo("[{\"label\":\"closes the interview\",\"held\":false},{\"label\":\"/reply exists\",\"held\":true}]");
    }
}
