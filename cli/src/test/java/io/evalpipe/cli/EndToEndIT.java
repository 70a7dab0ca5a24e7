package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.worker.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, in-process: an embedded KRaft broker, the aggregator, two workers on
 * real llama.cpp with the synthetic model, 20 prompts, and the report checked against its own CSV.
 */
class EndToEndIT {
    static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));

    @TempDir
    Path reports;

    /** Runs `evalctl run` with the test model and returns the single report folder it wrote. */
    static Path runAndFindReport(Path reports, String... extra) throws Exception {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("run",
                "--prompts", ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--schema", ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--model", TestModels.tiny().toString(),
                "--workers", "2",
                // The grammar keeps even a random-weight model's replies schema-valid, if given room to finish.
                "--output-mode", "schema",
                "--max-tokens", "384",
                "--reports", reports.toString()));
        args.addAll(List.of(extra));
        int code = EvalCtl.execute(new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> found = dirs.filter(Files::isDirectory).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    @Test
    void shouldEvaluateTwentyPromptsWithTwoWorkersInSchemaModeAndWriteAConsistentReport() throws Exception {
        Path report = runAndFindReport(reports);

        assertThat(report.resolve("report.md")).exists();
        ReportChecks.assertSummaryMatchesCsv(report, 20);
        List<CSVRecord> rows = ReportChecks.readCsv(report);
        // The grammar keeps every finished reply valid; only a prompt's own tighter max_tokens can cut one. What a
        // valid reply says is random, so a prompt's expectations may fail (assertion_failed): AssertionsIT checks those.
        assertThat(rows).allSatisfy(r -> assertThat(r.get("status").equals("pass") || r.get("failure_reason").equals("assertion_failed")
                || r.get("failure_reason").equals("truncated") && r.get("finish_reason").equals("length"))
                .as("prompt %s: %s %s", r.get("prompt_id"), r.get("status"), r.get("failure_reason")).isTrue());
        assertThat(ReportChecks.column(rows, "status")).contains("pass");
        assertThat(ReportChecks.column(rows, "worker_id")).as("both workers took jobs").contains("local-1", "local-2");
        assertThat(ReportChecks.summary(report).get("synthetic_model").asBoolean()).isTrue();
        assertThat(Files.readString(report.resolve("report.md"))).contains("synthetic").contains("R-7");
        assertListedWithoutACluster(report);
    }

    /** `evalctl runs --reports DIR` reads the summary.json the aggregator wrote: same run, same figures. */
    private void assertListedWithoutACluster(Path report) throws Exception {
        var summary = ReportChecks.summary(report);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = EvalCtl.execute(new PrintWriter(new StringWriter(), true), "runs", "--reports", reports.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains(summary.get("run_id").asText()).contains("interview_chat_20")
                .contains(String.format(Locale.ROOT, "(%d/%d)", summary.get("passed").asInt(), summary.get("n").asInt()))
                .contains(String.format(Locale.ROOT, "%.0f ms (N=20)", summary.at("/latency_ms/e2e/p95").asDouble()));
    }
}
