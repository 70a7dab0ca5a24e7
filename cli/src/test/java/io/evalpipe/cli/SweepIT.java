package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `evalctl sweep` end to end: an embedded broker, one worker on real llama.cpp with the synthetic
 * model, a 2 x 2 sweep over four prompts, and the sweep table checked against each run's own
 * summary.json.
 */
class SweepIT {
    static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));

    @TempDir
    Path work;

    /** Four short prompts; the last sets its own max_tokens, which the sweep must then not vary. */
    Path writePrompts() throws Exception {
        String system = "{\"role\": \"system\", \"content\": \"You are the interviewer in a mock job interview. Reply with only a JSON object.\"}";
        List<String> lines = List.of(
                "{\"id\": \"S-1\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"Hello, I am ready.\"}]}",
                "{\"id\": \"S-2\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"I led a team of five.\"}]}",
                "{\"id\": \"S-3\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"I prefer Java.\"}]}",
                "{\"id\": \"S-4\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"Thanks, bye.\"}], \"params\": {\"max_tokens\": 8}}");
        Path file = work.resolve("sweep_4.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void shouldRunEveryCombinationAndTabulateWhatEachRunReported() throws Exception {
        Path reports = work.resolve("reports");
        StringWriter err = new StringWriter();

        int code = EvalCtl.execute(new PrintWriter(err, true), "sweep",
                "--prompts", writePrompts().toString(),
                "--schema", ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--model", TestModels.tiny().toString(),
                "--threads", "1",
                "--vary", "max_tokens=16,32",
                "--vary", "output_mode=free,schema",
                "--reports", reports.toString());

        assertThat(code).as("exit code; stderr: %s", err).isZero();
        List<Path> folders;
        try (Stream<Path> dirs = Files.list(reports)) {
            folders = dirs.filter(Files::isDirectory).toList();
        }
        List<Path> sweeps = folders.stream().filter(p -> p.getFileName().toString().startsWith("sweep-")).toList();
        assertThat(sweeps).hasSize(1);
        assertThat(folders).hasSize(5);
        Path sweep = sweeps.get(0);

        String md = Files.readString(sweep.resolve("sweep.md"));
        List<Map<String, String>> rows = rows(md);
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(r -> r.get("max_tokens") + " " + r.get("output_mode"))
                .containsExactly("16 free", "16 schema", "32 free", "32 schema");
        for (Map<String, String> row : rows) {
            assertThat(row.get("Peak RSS (MiB)")).as("the workers share the sweep's process").isEqualTo("—");
            assertRowMatchesSummary(row, reports.resolve(row.get("Run")), sweep, 4);
        }
        assertThat(md).contains("max_tokens is fixed by S-4 (8)");

        String html = Files.readString(sweep.resolve("sweep.html"));
        assertThat(html).contains("Content-Security-Policy").doesNotContain("http://").doesNotContain("https://");
        assertThat(html.split("<tr>", -1)).hasSize(1 + 1 + 4); // text before, header, four variants
    }

    /** A sweep.md row, by column name, against its run's summary.json and results.csv. */
    static void assertRowMatchesSummary(Map<String, String> row, Path runDir, Path sweep, int prompts) throws Exception {
        JsonNode s = ReportChecks.summary(runDir);
        ReportChecks.assertSummaryMatchesCsv(runDir, prompts);
        JsonNode e2e = s.get("latency_ms").get("e2e");
        s.get("params").properties().forEach(p -> {
            if (row.containsKey(p.getKey())) {
                assertThat(row.get(p.getKey())).as(p.getKey()).isEqualTo(p.getValue().asText());
            }
        });
        assertThat(row.get("Model")).isEqualTo(s.get("model").get("file_name").asText());
        assertThat(row.get("File size (MiB)")).isEqualTo(String.format(Locale.ROOT, "%.1f", s.get("model").get("size_bytes").asLong() / 1048576.0));
        assertThat(row.get("Load (ms)")).isEqualTo(ReportChecks.readCsv(runDir).get(0).get("model_load_ms"));
        assertThat(row.get("N")).isEqualTo(s.get("n").asText());
        assertThat(row.get("Passed")).isEqualTo(s.get("passed").asText());
        assertThat(row.get("Pass rate")).isEqualTo(percent(s.get("pass_rate").asDouble()));
        assertThat(row.get("Pass rate 95% CI")).isEqualTo("[" + percent(s.get("pass_rate_ci95").get(0).asDouble()) + ", "
                + percent(s.get("pass_rate_ci95").get(1).asDouble()) + "]");
        assertThat(row.get("E2E N")).isEqualTo(e2e.get("n").asText());
        assertThat(row.get("E2E p50 (ms)")).isEqualTo(ms(e2e.get("p50").asDouble()));
        assertThat(row.get("E2E p95 (ms)")).as("p95 of fewer than 20 values is marked unreliable").isEqualTo(ms(e2e.get("p95").asDouble()) + "†");
        assertThat(row.get("E2E max (ms)")).isEqualTo(ms(e2e.get("max").asDouble()));
        assertThat(row.get("TTFT p50 (ms)")).isEqualTo(ms(s.get("latency_ms").get("ttft").get("p50").asDouble()));
        assertThat(row.get("Decode tok/s p50")).isEqualTo(s.get("tokens_per_s").get("p50").isNumber()
                ? ms(s.get("tokens_per_s").get("p50").asDouble()) : "—");
        assertThat(row.get("Mean completion tokens")).isEqualTo(ms(s.get("tokens").get("mean_completion_tokens").asDouble()));
        s.get("failures_by_reason").properties().forEach(r -> assertThat(row.get("Failures by reason")).contains(r.getKey() + " " + r.getValue().asText()));
        String link = row.get("Report").replaceAll("^\\[report]\\((.*)\\)$", "$1");
        assertThat(sweep.resolve(link).normalize()).isEqualTo(runDir.resolve("report.md").normalize()).exists();
    }

    /** The table's rows of a sweep.md or compare.md, each by its header's column names. */
    static List<Map<String, String>> rows(String md) {
        String[] header = md.lines().filter(l -> l.startsWith("| # |")).map(SweepIT::cells).findFirst().orElseThrow();
        return md.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).map(l -> {
            String[] cells = cells(l);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            return row;
        }).toList();
    }

    static String[] cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return Arrays.stream(inner.split(" \\| ", -1)).map(String::trim).toArray(String[]::new);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
