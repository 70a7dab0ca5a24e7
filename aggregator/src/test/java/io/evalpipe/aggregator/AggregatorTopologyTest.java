package io.evalpipe.aggregator;

import static io.evalpipe.report.Fixtures.CREATED_AT;
import static io.evalpipe.report.Fixtures.manifest;
import static io.evalpipe.report.Fixtures.pass;
import static io.evalpipe.report.Fixtures.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.report.LateResults;
import io.evalpipe.report.RunReport;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the production topology ({@link AggregatorTopology#buildTopology}) with the real report writer. */
class AggregatorTopologyTest {
    private static final Topics TOPICS = new Topics("test");

    @TempDir
    Path reports;
    @TempDir
    Path state;

    private final List<RunReport> written = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, RunManifest> manifests;
    private TestInputTopic<String, EvalResult> results;
    private TestInputTopic<String, byte[]> rawResults;
    private TestOutputTopic<String, RunSummary> summaries;

    private void start(String onlyRunId) {
        ReportSink files = ReportSink.files(reports);
        ReportSink sink = new ReportSink() {
            @Override
            public RunSummary write(RunReport report) {
                written.add(report);
                return files.write(report);
            }

            @Override
            public RunSummary amend(RunSummary reported, int retried, LateResults late) {
                return files.amend(reported, retried, late);
            }
        };
        Properties props = AggregatorTopology.streamsConfig(new Properties(), "aggregator-test", state, 1);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(
                AggregatorTopology.buildTopology(TOPICS, null, Duration.ofSeconds(1), sink, onlyRunId), props, CREATED_AT);
        manifests = driver.createInputTopic(TOPICS.manifests(), Serdes.String().serializer(), Messages.MANIFEST.serializer());
        results = driver.createInputTopic(TOPICS.results(), Serdes.String().serializer(), Messages.RESULT.serializer());
        rawResults = driver.createInputTopic(TOPICS.results(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        summaries = driver.createOutputTopic(TOPICS.runs(), Serdes.String().deserializer(), Messages.SUMMARY.deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(EvalResult r) {
        results.pipeInput(r.runId(), r);
    }

    @Test
    void shouldReportOnceWhenEveryPromptHasAResult() throws Exception {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b", "c"));
        send(pass("run1", "a", 100));
        send(pass("run1", "b", 200));
        assertThat(summaries.isEmpty()).isTrue();

        java.time.Instant last = CREATED_AT.plusSeconds(7);
        results.pipeInput("run1", fail("run1", "c", FailureReason.SCHEMA_VIOLATION, "/score: maximum: too big"), last);

        var records = summaries.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).timestamp()).as("stamped with the last result's time").isEqualTo(last.toEpochMilli());
        List<RunSummary> out = records.stream().map(r -> r.value()).toList();
        assertThat(out.get(0).runId()).isEqualTo("run1");
        assertThat(out.get(0).n()).isEqualTo(3);
        assertThat(out.get(0).passed()).isEqualTo(2);
        assertThat(out.get(0).complete()).isTrue();
        assertThat(Path.of(out.get(0).reportDir()).resolve("results.csv")).exists();
        assertThat(Files.readAllLines(Path.of(out.get(0).reportDir()).resolve("results.csv"))).hasSize(4);
    }

    @Test
    void shouldCarryEachResultsAssertionOutcomesIntoTheReport() throws Exception {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b", "c"));
        send(io.evalpipe.report.Fixtures.result("run1", "a").assertions("closes the interview", true).build());
        send(io.evalpipe.report.Fixtures.result("run1", "b").fail(FailureReason.ASSERTION_FAILED,
                "/end_interview: equals (closes the interview): expected true, actual false").assertions("closes the interview", false).build());
        // From a worker that predates assertions: no such field at all.
        rawResults.pipeInput("run1", ("{\"schema_version\":1,\"run_id\":\"run1\",\"prompt_id\":\"c\",\"worker_id\":\"w0\","
                + "\"status\":\"pass\",\"output\":\"{}\",\"e2e_ms\":90.0}").getBytes(StandardCharsets.UTF_8));

        RunSummary out = summaries.readValuesToList().get(0);

        assertThat(out.passed()).isEqualTo(2);
        var summary = io.evalpipe.contracts.Json.WIRE.readTree(Path.of(out.reportDir()).resolve("summary.json").toFile());
        assertThat(summary.get("schema_valid").asInt()).isEqualTo(3);
        assertThat(summary.get("assertions").toString()).startsWith("[{\"name\":\"closes the interview\",\"n\":2,\"held\":1,\"pass_rate\":0.5,");
        assertThat(Files.readString(Path.of(out.reportDir()).resolve("report.md"))).contains("| closes the interview | 2 | 1 | 50.0% |");
    }

    @Test
    void shouldCountARepeatedResultOnceAndKeepTheLatest() {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b"));
        send(fail("run1", "a", FailureReason.INVALID_JSON));
        // The job was redone after a crash: the same prompt, a second result.
        send(pass("run1", "a", 150));

        assertThat(summaries.isEmpty()).as("two results for one prompt must not complete a two-prompt run").isTrue();

        send(pass("run1", "b", 120));
        List<RunSummary> out = summaries.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).n()).isEqualTo(2);
        assertThat(out.get(0).passed()).isEqualTo(2);
        assertThat(written.get(0).results()).extracting(EvalResult::promptId).containsExactly("a", "b");
        assertThat(written.get(0).results().get(0).status()).as("the later result wins").isEqualTo(io.evalpipe.contracts.ResultStatus.PASS);
        assertThat(written.get(0).retried()).isEqualTo(1);
    }

    @Test
    void shouldReportMissingPromptsWhenTheDeadlinePasses() {
        start(null);
        RunManifest m = manifest("run1").prompts("a", "b", "c").deadlineMs(60_000L).build();
        manifests.pipeInput("run1", m);
        send(pass("run1", "b", 100));

        driver.advanceWallClockTime(Duration.ofSeconds(59));
        assertThat(summaries.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        var records = summaries.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).timestamp()).as("stamped with the punctuation's time").isEqualTo(CREATED_AT.plusSeconds(61).toEpochMilli());
        List<RunSummary> out = records.stream().map(r -> r.value()).toList();
        assertThat(out.get(0).complete()).isFalse();
        assertThat(out.get(0).missing()).containsExactly("a", "c");
        assertThat(out.get(0).n()).isEqualTo(1);

        // A straggler after the report changes no figure; the report notes it, and its summary is announced again.
        send(pass("run1", "a", 100));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        List<RunSummary> again = summaries.readValuesToList();
        assertThat(again).hasSize(1);
        assertThat(again.get(0)).isEqualTo(out.get(0).withLate(0, 1));
        assertThat(written).hasSize(1);
    }

    @Test
    void shouldCountADuplicateThatArrivesAfterTheReportAsRetried() throws Exception {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b"));
        send(pass("run1", "a", 100));
        send(fail("run1", "b", FailureReason.INVALID_JSON));
        RunSummary reported = summaries.readValuesToList().get(0);
        assertThat(reported.retried()).isZero();
        Path dir = Path.of(reported.reportDir());
        String csvBefore = Files.readString(dir.resolve("results.csv"));

        // A worker that lost its lock finishes prompt b again, after the report was written.
        send(pass("run1", "b", 90));

        List<RunSummary> again = summaries.readValuesToList();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).retried()).isEqualTo(1);
        assertThat(again.get(0).late()).isZero();
        assertThat(again.get(0).passed()).as("figures stay as reported").isEqualTo(1);
        assertThat(again.get(0)).isEqualTo(reported.withLate(1, 0));
        var summaryJson = io.evalpipe.contracts.Json.WIRE.readTree(dir.resolve("summary.json").toFile());
        assertThat(summaryJson.get("retried").asInt()).isEqualTo(1);
        assertThat(summaryJson.get("passed").asInt()).isEqualTo(1);
        assertThat(summaryJson.path("late_results").get("duplicates").asInt()).isEqualTo(1);
        assertThat(summaryJson.path("late_results").get("after_report").asInt()).isZero();
        assertThat(Files.readString(dir.resolve("results.csv"))).isEqualTo(csvBefore);
        List<String> late = Files.readAllLines(dir.resolve("late-results.csv"));
        assertThat(late).hasSize(2);
        assertThat(late.get(1)).contains(",b,duplicate,pass,");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("## Results after this report")
                .contains("1 repeated a prompt that already had a result (retried is now 1)");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<h2>Results after this report</h2>").endsWith("</body></html>\n");

        // A second late result rewrites the section rather than adding another.
        send(pass("run1", "a", 80));
        assertThat(summaries.readValuesToList()).extracting(RunSummary::retried).containsExactly(2);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md.split("## Results after this report", -1)).hasSize(2);
        assertThat(md).contains("retried is now 2");
        assertThat(Files.readAllLines(dir.resolve("late-results.csv"))).hasSize(3);
        assertThat(written).as("the report itself is not written again").hasSize(1);
    }

    @Test
    void shouldKeepInterleavedRunsApart() {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b"));
        manifests.pipeInput("run2", manifest("run2", "a", "b", "c"));
        send(pass("run1", "a", 10));
        send(fail("run2", "a", FailureReason.TRUNCATED));
        send(pass("run2", "b", 20));
        send(fail("run1", "b", FailureReason.EMPTY));
        send(pass("run2", "c", 30));

        List<RunSummary> out = summaries.readValuesToList();
        assertThat(out).extracting(RunSummary::runId).containsExactly("run1", "run2");
        assertThat(out).extracting(RunSummary::n).containsExactly(2, 3);
        assertThat(out).extracting(RunSummary::passed).containsExactly(1, 2);
    }

    @Test
    void shouldReportWhenResultsArriveBeforeTheManifest() {
        start(null);
        send(pass("run1", "a", 10));
        send(pass("run1", "b", 10));
        assertThat(summaries.isEmpty()).isTrue();

        manifests.pipeInput("run1", manifest("run1", "a", "b"));

        assertThat(summaries.readValuesToList()).extracting(RunSummary::n).containsExactly(2);
    }

    @Test
    void shouldIgnoreOtherRunsWhenKeptToOne() {
        start("run2");
        manifests.pipeInput("run1", manifest("run1", "a"));
        manifests.pipeInput("run2", manifest("run2", "a"));
        send(pass("run1", "a", 10));
        send(pass("run2", "a", 10));

        assertThat(summaries.readValuesToList()).extracting(RunSummary::runId).containsExactly("run2");
        assertThat(reports.resolve("run1")).doesNotExist();
    }

    @Test
    void shouldSkipAResultWithoutIdsAndStillReportTheRun() {
        start(null);
        manifests.pipeInput("run1", manifest("run1", "a", "b"));
        send(pass("run1", "a", 10));
        rawResults.pipeInput("run1", "not json".getBytes(StandardCharsets.UTF_8));
        rawResults.pipeInput("run1", "{\"run_id\":\"run1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(summaries.isEmpty()).isTrue();

        send(pass("run1", "b", 20));

        List<RunSummary> out = summaries.readValuesToList();
        assertThat(out).extracting(RunSummary::n).containsExactly(2);
        assertThat(out.get(0).complete()).isTrue();
    }

    @Test
    void shouldCountAResultWhoseFieldsDoNotDecodeAsMissing() {
        start(null);
        manifests.pipeInput("run1", manifest("run1").prompts("a", "b").deadlineMs(60_000L).build());
        send(pass("run1", "a", 10));
        rawResults.pipeInput("run1", "{\"run_id\":\"run1\",\"prompt_id\":\"b\",\"e2e_ms\":\"slow\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(summaries.isEmpty()).as("a result that cannot be read does not complete the run").isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(61));

        List<RunSummary> out = summaries.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).missing()).containsExactly("b");
        assertThat(written.get(0).results()).extracting(EvalResult::promptId).containsExactly("a");
    }
}
