package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final String RUN = "run-42";
    private static final String PIPE_AND_NEWLINE_ERROR =
            "/answer: required: must be one of a|b\nsecond line with `code` and <b>html</b>";

    @TempDir
    Path root;

    private RunReport report;
    private RunSummary summary;

    /**
     * Seven prompts: two passes (one without a first token), a schema failure whose reply is a
     * formula, a timeout that ran, an engine error that did not, a pass from a worker whose name
     * starts with '@' and whose clock is behind, and one prompt with no result.
     */
    @BeforeEach
    void writeReport() {
        RunManifest manifest = Fixtures.manifest(RUN, "p1", "p2", "p3", "p4", "p5", "p6", "p7");
        report = Fixtures.report(manifest,
                result(RUN, "p1").e2eMs(800.0).ttftMs(120.0).tpotMs(32.5).tokens(40, 21).build(),
                result(RUN, "p2").e2eMs(450.25).ttftMs(null).tpotMs(null).tokens(35, 0).build(),
                result(RUN, "p3").fail(FailureReason.SCHEMA_VIOLATION, PIPE_AND_NEWLINE_ERROR, "/score: type: integer")
                        .output("=cmd()").e2eMs(1200.5).tokens(50, 60).build(),
                result(RUN, "p4").error(FailureReason.TIMEOUT).e2eMs(120000.0).ttftMs(300.0).tpotMs(null)
                        .tokens(45, 256).build(),
                Fixtures.error(RUN, "p5", FailureReason.ENGINE_ERROR),
                // p6 never answers
                result(RUN, "p7").workerId("@evil").queueWaitMs(-3.25).notes("json salvaged from prose").build());
        summary = new ReportWriter().write(report, root);
    }

    @Test
    void shouldWriteTheFourFilesAndTheSnapshotsAndNothingElseIntoTheRunFolder() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(RUN))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".run-id", "results.csv", "summary.json", "report.md", "report.html", "snapshots");
        }
        try (Stream<Path> files = Files.list(root.resolve(RUN).resolve("snapshots"))) {
            // p3 failed, p4 timed out (and is above p95), p5 errored.
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("p3.json", "p4.json", "p5.json");
        }
    }

    @Test
    void shouldWriteOneCsvRowPerResultInManifestOrder() throws IOException {
        List<CSVRecord> rows = csvRows();

        assertThat(rows).hasSize(6);
        assertThat(rows).extracting(r -> r.get("prompt_id")).containsExactly("p1", "p2", "p3", "p4", "p5", "p7");
        assertThat(rows.get(0).getParser().getHeaderNames()).startsWith(
                "prompt_id", "status", "failure_reason", "e2e_ms", "ttft_ms", "tpot_ms", "queue_wait_ms",
                "prompt_tokens", "completion_tokens", "finish_reason", "worker_id", "validation_errors");
    }

    @Test
    void shouldWriteCsvCellsPlainEmptyForNullAndJoinedErrors() throws IOException {
        Map<String, CSVRecord> byId = csvRows().stream().collect(Collectors.toMap(r -> r.get("prompt_id"), r -> r));

        assertThat(byId.get("p1").get("e2e_ms")).isEqualTo("800");
        assertThat(byId.get("p2").get("e2e_ms")).isEqualTo("450.25");
        assertThat(byId.get("p2").get("ttft_ms")).isEmpty();
        assertThat(byId.get("p4").get("e2e_ms")).isEqualTo("120000");
        assertThat(byId.get("p5").get("e2e_ms")).isEmpty();
        assertThat(byId.get("p5").get("status")).isEqualTo("error");
        assertThat(byId.get("p5").get("failure_reason")).isEqualTo("engine_error");
        assertThat(byId.get("p1").get("failure_reason")).isEmpty();
        assertThat(byId.get("p3").get("validation_errors"))
                .isEqualTo(PIPE_AND_NEWLINE_ERROR + " | /score: type: integer");
        assertThat(byId.get("p7").get("notes")).isEqualTo("json salvaged from prose");
    }

    @Test
    void shouldPrefixFormulaLikeTextCellsButNotNegativeNumbers() throws IOException {
        Map<String, CSVRecord> byId = csvRows().stream().collect(Collectors.toMap(r -> r.get("prompt_id"), r -> r));

        assertThat(byId.get("p3").get("output")).isEqualTo("'=cmd()");
        assertThat(byId.get("p7").get("worker_id")).isEqualTo("'@evil");
        assertThat(byId.get("p7").get("queue_wait_ms")).isEqualTo("-3.25");
    }

    @Test
    void shouldStateInSummaryJsonTheFiguresRecomputedFromTheCsv() throws IOException {
        List<CSVRecord> rows = csvRows();
        JsonNode json = summaryJson();
        int n = rows.size();
        long passed = countStatus(rows, "pass");

        assertThat(json.get("run_id").asText()).isEqualTo(RUN);
        assertThat(json.get("suite").asText()).isEqualTo("interview_chat");
        assertThat(json.get("n").asInt()).isEqualTo(n);
        assertThat(json.get("expected").asInt()).isEqualTo(7);
        assertThat(json.get("passed").asLong()).isEqualTo(passed);
        assertThat(json.get("failed").asLong()).isEqualTo(countStatus(rows, "fail"));
        assertThat(json.get("errors").asLong()).isEqualTo(countStatus(rows, "error"));
        assertThat(json.get("pass_rate").asDouble()).isEqualTo((double) passed / n);
        assertThat(json.get("pass_rate_of_expected").asDouble()).isEqualTo(passed / 7.0);
        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(json.get("missing")).extracting(JsonNode::asText).containsExactly("p6");

        Map<String, Long> reasons = rows.stream()
                .filter(r -> !r.get("status").equals("pass"))
                .collect(Collectors.groupingBy(r -> r.get("failure_reason"), TreeMap::new, Collectors.counting()));
        Map<String, Long> reasonsInJson = new TreeMap<>();
        json.get("failures_by_reason").properties().forEach(e -> reasonsInJson.put(e.getKey(), e.getValue().asLong()));
        assertThat(reasonsInJson).isEqualTo(reasons)
                .containsOnlyKeys("schema_violation", "timeout", "engine_error");

        // The latency population is every row with an E2E value; each metric over those having it.
        List<CSVRecord> timed = rows.stream().filter(r -> !r.get("e2e_ms").isEmpty()).toList();
        assertThat(timed).extracting(r -> r.get("prompt_id")).containsExactly("p1", "p2", "p3", "p4", "p7");
        JsonNode latency = json.get("latency_ms");
        assertStats(latency.get("e2e"), LatencyStats.of(column(timed, "e2e_ms")));
        assertStats(latency.get("ttft"), LatencyStats.of(column(timed, "ttft_ms")));
        assertStats(latency.get("tpot"), LatencyStats.of(column(timed, "tpot_ms")));
        assertThat(latency.get("ttft").get("n").asInt()).isEqualTo(4);
        assertThat(latency.get("tpot").get("n").asInt()).isEqualTo(3);

        JsonNode tokens = json.get("tokens");
        assertThat(tokens.get("n").asInt()).isEqualTo(timed.size());
        assertThat(tokens.get("mean_prompt_tokens").asDouble())
                .isCloseTo(mean(timed, "prompt_tokens"), within(1e-9));
        assertThat(tokens.get("mean_completion_tokens").asDouble())
                .isCloseTo(mean(timed, "completion_tokens"), within(1e-9));

        assertThat(json.get("percentile_method").asText())
                .isEqualTo("linear interpolation between closest ranks (R-7, NumPy default)");
        assertThat(json.get("latency_population").asText()).contains("e2e_ms");
    }

    @Test
    void shouldComputeE2ePercentilesAsNumPyWould() throws IOException {
        // sorted E2E: [450.25, 500, 800, 1200.5, 120000]; h = 4 * p / 100
        JsonNode e2e = summaryJson().get("latency_ms").get("e2e");

        assertThat(e2e.get("n").asInt()).isEqualTo(5);
        assertThat(e2e.get("mean").asDouble()).isCloseTo(24590.15, within(1e-9)); // 122950.75 / 5
        assertThat(e2e.get("min").asDouble()).isEqualTo(450.25);
        assertThat(e2e.get("p50").asDouble()).isEqualTo(800.0);                  // h = 2
        assertThat(e2e.get("p90").asDouble()).isCloseTo(72480.2, within(1e-9));  // h = 3.6: 1200.5 + 0.6 * 118799.5
        assertThat(e2e.get("p95").asDouble()).isCloseTo(96240.1, within(1e-9));  // h = 3.8: 1200.5 + 0.8 * 118799.5
        assertThat(e2e.get("p99").asDouble()).isCloseTo(115248.02, within(1e-9)); // h = 3.96: 1200.5 + 0.96 * 118799.5
        assertThat(e2e.get("max").asDouble()).isEqualTo(120000.0);
    }

    @Test
    void shouldRecordRunMetadataInSummaryJson() throws IOException {
        JsonNode json = summaryJson();

        assertThat(json.get("model").get("file_name").asText()).isEqualTo(Fixtures.MODEL.fileName());
        assertThat(json.get("model").get("sha256").asText()).isEqualTo(Fixtures.MODEL.sha256());
        assertThat(json.get("params").get("max_tokens").asInt()).isEqualTo(256);
        assertThat(json.get("pool").asText()).isEqualTo("default");
        assertThat(json.get("created_at").asText()).isEqualTo("2025-01-01T12:00:00Z");
        assertThat(json.get("synthetic_model").asBoolean()).isFalse();
    }

    @Test
    void shouldReturnARunSummaryAgreeingWithSummaryJson() throws IOException {
        JsonNode json = summaryJson();

        assertThat(summary.runId()).isEqualTo(RUN);
        assertThat(summary.expected()).isEqualTo(7);
        assertThat(summary.n()).isEqualTo(6);
        assertThat(summary.passed()).isEqualTo(3);
        assertThat(summary.passRate()).isEqualTo(json.get("pass_rate").asDouble()).isEqualTo(0.5);
        assertThat(summary.complete()).isFalse();
        assertThat(summary.missing()).containsExactly("p6");
        assertThat(summary.e2eP50Ms()).isEqualTo(json.get("latency_ms").get("e2e").get("p50").asDouble());
        assertThat(summary.e2eP95Ms()).isEqualTo(json.get("latency_ms").get("e2e").get("p95").asDouble());
        assertThat(Path.of(summary.reportDir())).isAbsolute().isEqualTo(root.resolve(RUN).toAbsolutePath());
    }

    @Test
    void shouldWriteMarkdownWithItsTables() throws IOException {
        String md = markdown();

        assertThat(md).startsWith("# Evaluation report: run-42\n")
                .doesNotContain("synthetic model")
                .contains("| Results (N) | 6 |")
                .contains("| Passed | 3 |")
                .contains("| Pass rate (of N) | 50.0% |")
                .contains("| Metric | N | mean | min | p50 | p90 | p95 | p99 | max |")
                // N = 5: p90 (N < 10), p95 (N < 20) and p99 (N < 100) are at the extreme.
                .contains("| E2E | 5 | 24590.2 | 450.3 | 800.0 | 72480.2† | 96240.1† | 115248.0† | 120000.0 |")
                .contains("| TTFT | 4 |")
                .contains("| TPOT | 3 |")
                .contains("linear interpolation between closest ranks (R-7, NumPy default)")
                .contains("| schema_violation | 1 |", "| timeout | 1 |", "| engine_error | 1 |")
                .contains("| Prompt | Status | Reason | First validation error |")
                .contains("- p6")
                .contains("| max_tokens | 256 |")
                .contains("| tiny-q4_k_m.gguf | 0123456789ab |")
                .contains("| p7 | pass | json salvaged from prose |");
    }

    @Test
    void shouldKeepAValidationErrorWithPipesAndNewlinesInOneMarkdownCell() throws IOException {
        List<String> p3Rows = markdown().lines().filter(l -> l.startsWith("| p3 |")).toList();

        assertThat(p3Rows).hasSize(1);
        String row = p3Rows.get(0);
        assertThat(row).contains("a\\|b second line with &#96;code&#96; and &lt;b>html&lt;/b>");
        // Four cells: five unescaped pipes.
        assertThat(row.split("(?<!\\\\)\\|", -1)).hasSize(6);
    }

    @Test
    void shouldWarnWhenTheModelIsSynthetic() {
        RunManifest manifest = Fixtures.manifest("synth-1").prompts("p1").model(Fixtures.SYNTHETIC_MODEL).build();

        new ReportWriter().write(Fixtures.report(manifest, Fixtures.pass("synth-1", "p1", 10.0)), root);

        assertThat(root.resolve("synth-1").resolve("report.md")).content(StandardCharsets.UTF_8)
                .contains("replies are meaningless; figures measure the pipeline, not a model");
    }

    @Test
    void shouldWriteNullFiguresWhenNoResultHasALatency() throws IOException {
        RunManifest manifest = Fixtures.manifest("no-latency", "p1", "p2");
        RunSummary s = new ReportWriter().write(
                Fixtures.report(manifest, Fixtures.error("no-latency", "p1", FailureReason.ENGINE_ERROR)), root);

        JsonNode e2e = Json.WIRE.readTree(root.resolve("no-latency").resolve("summary.json").toFile())
                .get("latency_ms").get("e2e");
        assertThat(e2e.get("n").asInt()).isZero();
        assertThat(e2e.get("p50").isNull()).isTrue();
        assertThat(e2e.get("mean").isNull()).isTrue();
        assertThat(s.e2eP50Ms()).isNull();
        assertThat(s.e2eP95Ms()).isNull();
        assertThat(s.passRate()).isZero();
    }

    @Test
    void shouldWriteANullPassRateWhenNoResultArrived() throws IOException {
        RunManifest manifest = Fixtures.manifest("empty", "p1");
        RunSummary s = new ReportWriter().write(Fixtures.report(manifest), root);

        JsonNode json = Json.WIRE.readTree(root.resolve("empty").resolve("summary.json").toFile());
        assertThat(json.get("n").asInt()).isZero();
        assertThat(json.get("pass_rate").isNull()).isTrue();
        assertThat(json.get("pass_rate_of_expected").asDouble()).isZero();
        assertThat(s.passRate()).isZero();
        assertThat(s.missing()).containsExactly("p1");
        assertThat(Files.readAllLines(root.resolve("empty").resolve("results.csv"))).hasSize(1);
    }

    @Test
    void shouldReplaceAPreviousReportOfTheSameRun() throws IOException {
        RunManifest manifest = Fixtures.manifest(RUN, "p1", "p2", "p3", "p4", "p5", "p6", "p7");
        List<String> ids = Arrays.asList("p1", "p2", "p3", "p4", "p5", "p6", "p7");
        RunReport complete = Fixtures.report(manifest,
                ids.stream().map(id -> Fixtures.pass(RUN, id, 100.0)).toArray(EvalResult[]::new));

        RunSummary again = new ReportWriter().write(complete, root);

        assertThat(again.complete()).isTrue();
        assertThat(csvRows()).hasSize(7);
        assertThat(summaryJson().get("missing")).isEmpty();
        try (Stream<Path> files = Files.list(root.resolve(RUN))) {
            // The snapshots of the earlier failures went with them.
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".run-id", "results.csv", "summary.json", "report.md", "report.html");
        }
    }

    @Test
    void shouldKeepTheReportFolderInsideTheReportsRoot() {
        RunManifest manifest = Fixtures.manifest("../escape", "p1");

        RunSummary s = new ReportWriter().write(Fixtures.report(manifest, Fixtures.pass("../escape", "p1", 1.0)), root);

        assertThat(Path.of(s.reportDir()).getParent()).isEqualTo(root.toAbsolutePath());
        assertThat(Path.of(s.reportDir()).getFileName().toString()).isEqualTo("_.._escape-" + ReportWriter.shortHash("../escape"));
    }

    @Test
    void shouldNeverWriteIntoTheFolderOfAnotherRunWhoseIdLooksTheSame() throws IOException {
        String real = "interview_chat_20-20261201-101010-abcdef";
        String forged = "interview/chat/20-20261201-101010-abcdef";
        new ReportWriter().write(Fixtures.report(Fixtures.manifest(real, "p1"), Fixtures.pass(real, "p1", 1.0)), root);
        String realReport = Files.readString(root.resolve(real).resolve("report.md"));

        RunSummary f = new ReportWriter().write(Fixtures.report(Fixtures.manifest(forged, "p1"),
                Fixtures.fail(forged, "p1", FailureReason.INVALID_JSON)), root);

        assertThat(Path.of(f.reportDir()).getFileName().toString()).isEqualTo(real.replace("abcdef", "abcdef-" + ReportWriter.shortHash(forged)));
        assertThat(Files.readString(root.resolve(real).resolve("report.md"))).isEqualTo(realReport);
        assertThat(Files.readString(root.resolve(real).resolve(".run-id"))).isEqualTo(real);
        // A safe id may be chosen to name a folder another run already has: the folder's owner decides.
        Files.createDirectories(root.resolve("taken"));
        Files.writeString(root.resolve("taken").resolve(".run-id"), "someone-else");
        RunSummary t = new ReportWriter().write(Fixtures.report(Fixtures.manifest("taken", "p1"), Fixtures.pass("taken", "p1", 1.0)), root);
        assertThat(Path.of(t.reportDir()).getFileName().toString()).isEqualTo("taken-" + ReportWriter.shortHash("taken"));
        assertThat(root.resolve("taken").resolve("report.md")).doesNotExist();
    }

    @Test
    void shouldNoteLateResultsBesideTheReportTheSameWayWhenWrittenTwice() throws IOException {
        Path dir = root.resolve(RUN);
        String csv = Files.readString(dir.resolve("results.csv"));
        LateResults late = LateResults.NONE
                .with(new LateResult(java.time.Instant.parse("2026-12-01T10:00:00Z"), "p1", "w2", "pass", LateResult.Kind.DUPLICATE))
                .with(new LateResult(java.time.Instant.parse("2026-12-01T10:00:01Z"), "p6", "w3", "fail", LateResult.Kind.AFTER_REPORT));

        RunSummary once = new ReportWriter().amend(summary, 1, late);
        Map<String, String> first = contents(dir);
        RunSummary twice = new ReportWriter().amend(summary, 1, late);

        assertThat(twice).isEqualTo(once).isEqualTo(summary.withLate(1, 1));
        assertThat(contents(dir)).as("the same state written again changes nothing").isEqualTo(first);
        assertThat(first.get("late-results.csv")).isEqualTo("received_at,prompt_id,kind,status,worker_id\r\n"
                + "2026-12-01T10:00:00Z,p1,duplicate,pass,w2\r\n2026-12-01T10:00:01Z,p6,after_report,fail,w3\r\n");
        assertThat(first.get("results.csv")).isEqualTo(csv);
        JsonNode json = summaryJson();
        assertThat(json.get("retried").asInt()).isEqualTo(1);
        assertThat(json.get("n").asInt()).as("figures as reported").isEqualTo(summary.n());
        assertThat(json.path("late_results").get("duplicates").asInt()).isEqualTo(1);
        assertThat(json.path("late_results").get("after_report").asInt()).isEqualTo(1);
        assertThat(first.get("report.md")).contains("2 result(s) arrived after this report was written: 1 repeated a prompt");
    }

    @Test
    void shouldRefuseToNoteLateResultsInAFolderThatNoLongerHoldsTheRun() throws IOException {
        Files.writeString(root.resolve(RUN).resolve(".run-id"), "someone-else");
        LateResults late = LateResults.NONE.with(new LateResult(java.time.Instant.EPOCH, "p1", "w", "pass", LateResult.Kind.DUPLICATE));

        assertThatThrownBy(() -> new ReportWriter().amend(summary, 1, late)).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("no longer holds the report of run " + RUN);
        assertThat(root.resolve(RUN).resolve("late-results.csv")).doesNotExist();
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }

    @Test
    void shouldGiveReportFilesTheModeTheUmaskGivesAnyFile() throws IOException {
        Path probe = Files.writeString(root.resolve("probe.txt"), "x");
        var expected = Files.getPosixFilePermissions(probe);

        try (Stream<Path> files = Files.walk(root.resolve(RUN))) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(expected);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void shouldStateThePassRateIntervalAndGoodputWithoutAnSlo() throws IOException {
        JsonNode json = summaryJson();

        // Wilson 3/6
        assertThat(json.get("pass_rate_ci95").get(0).asDouble()).isCloseTo(0.18761630648265054, within(1e-12));
        assertThat(json.get("pass_rate_ci95").get(1).asDouble()).isCloseTo(0.8123836935173494, within(1e-12));
        assertThat(json.get("slo").isNull()).isTrue();
        assertThat(json.get("goodput_count").asInt()).isEqualTo(3);
        assertThat(json.get("goodput").asDouble()).isEqualTo(0.5);
        assertThat(json.get("goodput_of_expected").asDouble()).isEqualTo(3 / 7.0);
        assertThat(json.get("goodput_ci95")).isEqualTo(json.get("pass_rate_ci95"));
        assertThat(markdown()).contains("| SLO | no SLO set |", "No SLO set: goodput equals the pass rate.",
                "| Pass rate (of N), 95% CI | [18.8%, 81.2%] |");
    }

    @Test
    void shouldMeasureGoodputAgainstTheSloGiven() throws IOException {
        RunReport withSlo = new RunReport(Fixtures.manifest(report.manifest().runId()).prompts(report.manifest().promptIds().toArray(String[]::new))
                .slo(new Slo(600.0, 110.0)).build(), report.results(), report.missing(), report.complete());
        new ReportWriter().write(withSlo, root);
        JsonNode json = summaryJson();

        // Passes: p1 (800 ms: too slow), p2 (no TTFT: not shown to meet it), p7 (500 ms, TTFT 100: good).
        assertThat(json.get("slo").get("e2e_ms").asDouble()).isEqualTo(600.0);
        assertThat(json.get("slo").get("ttft_ms").asDouble()).isEqualTo(110.0);
        assertThat(json.get("goodput_count").asInt()).isEqualTo(1);
        assertThat(json.get("goodput").asDouble()).isEqualTo(1 / 6.0);
        assertThat(json.get("goodput_of_expected").asDouble()).isEqualTo(1 / 7.0);
        assertThat(json.get("goodput_ci95").get(0).asDouble()).isCloseTo(0.03005336974830658, within(1e-12));
        assertThat(json.get("goodput_ci95").get(1).asDouble()).isCloseTo(0.5635028221864702, within(1e-12));
        assertThat(markdown()).contains("| SLO | E2E ≤ 600 ms, TTFT ≤ 110 ms |", "| Goodput (of N) | 16.7% |");
    }

    @Test
    void shouldMarkUnreliablePercentilesInSummaryJson() throws IOException {
        JsonNode latency = summaryJson().get("latency_ms");

        assertThat(latency.get("e2e").get("unreliable")).extracting(JsonNode::asText).containsExactly("p90", "p95", "p99");
        assertThat(latency.get("tpot").get("unreliable")).extracting(JsonNode::asText).containsExactly("p90", "p95", "p99");
        assertThat(markdown()).contains(FigureTables.DAGGER_NOTE.substring(0, 40));
    }

    @Test
    void shouldStateQueueWaitOverEveryResultWithOne() throws IOException {
        // 5 ms for p1-p5 (p5, an engine error, still waited) and -3.25 ms for p7.
        JsonNode queue = summaryJson().get("latency_ms").get("queue_wait");

        assertThat(queue.get("n").asInt()).isEqualTo(6);
        assertThat(queue.get("mean").asDouble()).isEqualTo(3.625); // (25 - 3.25) / 6
        assertThat(queue.get("min").asDouble()).isEqualTo(-3.25);
        assertThat(queue.get("p50").asDouble()).isEqualTo(5.0);
        assertThat(markdown()).contains("| Queue wait | 6 | 3.6 | -3.3 | 5.0 | 5.0† |");
    }

    @Test
    void shouldStateDecodeThroughputWhereItIsDefined() throws IOException {
        // p1 21 / 0.68 s, p3 60 / 1.1005 s, p4 256 / 119.7 s, p7 21 / 0.4 s; p2 has no TTFT.
        JsonNode tps = summaryJson().get("tokens_per_s");

        assertThat(tps.get("n").asInt()).isEqualTo(4);
        assertThat(tps.get("mean").asDouble()).isCloseTo(35.01042634905497, within(1e-9));
        assertThat(tps.get("min").asDouble()).isCloseTo(2.1386800334168754, within(1e-9));
        assertThat(tps.get("max").asDouble()).isCloseTo(54.52067242162653, within(1e-9));
        assertThat(tps.get("p50").asDouble()).isCloseTo((30.882352941176467 + 52.5) / 2, within(1e-9));
        assertThat(summaryJson().get("definitions").get("tokens_per_s").asText())
                .contains("completion_tokens / ((e2e_ms - ttft_ms) / 1000)");
    }

    @Test
    void shouldStateReproducibleBootstrapIntervalsAroundTheEstimates() throws IOException {
        JsonNode e2e = summaryJson().get("latency_ms").get("e2e");
        double lo = e2e.get("p50_ci95").get(0).asDouble();
        double hi = e2e.get("p50_ci95").get(1).asDouble();

        assertThat(e2e.get("bootstrap_seed").asLong()).isEqualTo("run-42/e2e".hashCode());
        assertThat(lo).isLessThanOrEqualTo(800.0);
        assertThat(hi).isGreaterThanOrEqualTo(800.0);
        assertThat(e2e.get("p95_ci95").get(0).asDouble()).isLessThanOrEqualTo(e2e.get("p95").asDouble());
        assertThat(e2e.get("p95_ci95").get(1).asDouble()).isGreaterThanOrEqualTo(e2e.get("p95").asDouble());
        assertThat(summaryJson().get("latency_ms").get("ttft").get("p50_ci95")).hasSize(2);
        assertThat(summaryJson().get("bootstrap_resamples").asInt()).isEqualTo(2000);

        new ReportWriter().write(report, root);
        assertThat(summaryJson().get("latency_ms").get("e2e").get("p50_ci95")).isEqualTo(e2e.get("p50_ci95"));
    }

    @Test
    void shouldBreakTheRunDownByPoolAndWorker() throws IOException {
        JsonNode json = summaryJson();

        JsonNode pool = json.get("by_pool").get("default");
        assertThat(json.get("by_pool").size()).isEqualTo(1);
        assertThat(pool.get("n").asInt()).isEqualTo(6);
        assertThat(pool.get("passed").asInt()).isEqualTo(3);
        assertThat(pool.get("pass_rate").asDouble()).isEqualTo(0.5);
        assertThat(pool.get("e2e_ms").get("n").asInt()).isEqualTo(5);
        assertThat(pool.get("e2e_ms").get("p50").asDouble()).isEqualTo(800.0);
        assertThat(pool.get("e2e_ms").get("unreliable")).extracting(JsonNode::asText).containsExactly("p95");

        JsonNode worker1 = json.get("by_worker").get("worker-1");
        // p1-p5: E2E [450.25, 800, 1200.5, 120000]; p50 at h = 1.5
        assertThat(worker1.get("n").asInt()).isEqualTo(5);
        assertThat(worker1.get("passed").asInt()).isEqualTo(2);
        assertThat(worker1.get("e2e_ms").get("p50").asDouble()).isEqualTo(1000.25);
        assertThat(worker1.get("tokens_per_s_n").asInt()).isEqualTo(3);
        JsonNode evil = json.get("by_worker").get("@evil");
        assertThat(evil.get("tokens_per_s_mean").asDouble()).isEqualTo(52.5);
        assertThat(evil.get("pass_rate_ci95").get(0).asDouble()).isCloseTo(0.20654931437723745, within(1e-12));

        assertThat(markdown()).contains("| Pool | N | Passed | Pass rate | Pass rate 95% CI | E2E N |")
                .contains("| default | 6 | 3 | 50.0% | [18.8%, 81.2%] | 5 | 800.0 | 96240.1† | 35.0 |")
                .contains("| @evil | 1 | 1 | 100.0% | [20.7%, 100.0%] | 1 | 500.0† | 500.0† | 52.5 |");
    }

    @Test
    void shouldStateHowEachWorkerServedItsResults() throws IOException {
        assertThat(markdown()).contains("## Serving",
                "| Worker | Pool | Engine | Backend | Build | Threads | Slots | Model load (ms) |",
                "| worker-1 | default | llamacpp | cpu | de.kherud:llama 4.2.0 (llama.cpp b4916) | 1 | 1 | 250 |",
                "| @evil | default | llamacpp | cpu | de.kherud:llama 4.2.0 (llama.cpp b4916) | 1 | 1 | 250 |");
        assertThat(Files.readString(root.resolve(RUN).resolve("report.html"))).contains("<h2>Serving</h2>");
    }

    @Test
    void shouldSnapshotAndLinkEveryFailureAndSlowResult() throws IOException {
        JsonNode json = summaryJson();

        assertThat(json.get("outliers")).extracting(o -> o.get("prompt_id").asText()).containsExactly("p3", "p4", "p5");
        assertThat(json.get("outliers").get(1).get("reasons")).extracting(JsonNode::asText)
                .containsExactly("error", "e2e_above_p95");
        assertThat(json.get("outliers").get(0).get("snapshot").asText()).isEqualTo("snapshots/p3.json");

        JsonNode p3 = Json.WIRE.readTree(root.resolve(RUN).resolve("snapshots").resolve("p3.json").toFile());
        assertThat(p3.get("status").asText()).isEqualTo("fail");
        assertThat(p3.get("output").asText()).isEqualTo("=cmd()");
        assertThat(p3.get("validation_errors").get(0).asText()).isEqualTo(PIPE_AND_NEWLINE_ERROR);

        assertThat(markdown()).contains("| [p4](snapshots/p4.json) | error | error, e2e_above_p95 | 120000.0 |");
        assertThat(Files.readString(root.resolve(RUN).resolve("report.html")))
                .contains("<a href=\"snapshots/p3.json\">p3</a>");
    }

    @Test
    void shouldRemoveOnlyTheSnapshotsTheNewReportNoLongerHas() throws IOException {
        List<EvalResult> results = new ArrayList<>(report.results());
        results.set(2, result(RUN, "p3").e2eMs(1200.5).build()); // p3 passes on a late result
        new ReportWriter().write(new RunReport(report.manifest(), results, report.missing(), false), root);

        try (Stream<Path> files = Files.list(root.resolve(RUN).resolve("snapshots"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("p4.json", "p5.json");
        }
    }

    @Test
    void shouldWriteNoSnapshotForAPromptIdThatWouldLeaveTheFolder() throws IOException {
        RunManifest manifest = Fixtures.manifest("esc", "../../evil", "ok");
        new ReportWriter().write(Fixtures.report(manifest,
                Fixtures.fail("esc", "../../evil", FailureReason.INVALID_JSON), Fixtures.pass("esc", "ok", 1.0)), root);

        assertThat(root.resolve("evil.json")).doesNotExist();
        assertThat(root.getParent().resolve("evil.json")).doesNotExist();
        assertThat(root.resolve("esc").resolve("snapshots")).doesNotExist();
        String md = Files.readString(root.resolve("esc").resolve("report.md"));
        assertThat(md).contains("| ../../evil | fail | fail, e2e_above_p95 (no snapshot: unsafe prompt id) |").doesNotContain("](");
    }

    private List<CSVRecord> csvRows() throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Files.newBufferedReader(root.resolve(RUN).resolve("results.csv"), StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(in, format)) {
            return new ArrayList<>(parser.getRecords());
        }
    }

    private JsonNode summaryJson() throws IOException {
        return Json.WIRE.readTree(root.resolve(RUN).resolve("summary.json").toFile());
    }

    private String markdown() throws IOException {
        return Files.readString(root.resolve(RUN).resolve("report.md"));
    }

    private static long countStatus(List<CSVRecord> rows, String status) {
        return rows.stream().filter(r -> r.get("status").equals(status)).count();
    }

    private static List<Double> column(List<CSVRecord> rows, String name) {
        return rows.stream().map(r -> r.get(name)).map(v -> v.isEmpty() ? null : Double.valueOf(v))
                .collect(Collectors.toList());
    }

    private static double mean(List<CSVRecord> rows, String name) {
        return rows.stream().mapToInt(r -> Integer.parseInt(r.get(name))).average().orElseThrow();
    }

    private static void assertStats(JsonNode node, LatencyStats expected) {
        Map<String, Function<LatencyStats, Double>> figures = new LinkedHashMap<>();
        figures.put("mean", LatencyStats::mean);
        figures.put("min", LatencyStats::min);
        figures.put("p50", LatencyStats::p50);
        figures.put("p90", LatencyStats::p90);
        figures.put("p95", LatencyStats::p95);
        figures.put("p99", LatencyStats::p99);
        figures.put("max", LatencyStats::max);
        assertThat(node.get("n").asInt()).isEqualTo(expected.n());
        figures.forEach((name, figure) ->
                assertThat(node.get(name).asDouble()).as(name).isCloseTo(figure.apply(expected), within(1e-9)));
    }
}
