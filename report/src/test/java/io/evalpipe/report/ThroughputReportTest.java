package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's throughput and its latency by prompt length, as the three report files state them. */
class ThroughputReportTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path root;

    @Test
    void shouldStateThroughputAndLatencyByPromptLengthInEveryReportFile() throws Exception {
        RunManifest manifest = Fixtures.manifest("tp", "a", "b", "c");
        // Two prompts of 100 tokens and one of 700; the run lasts 0 s to 5 s.
        new ReportWriter().write(Fixtures.report(manifest,
                Fixtures.result("tp", "a").startedAt(T0).ttftMs(100.0).e2eMs(1000.0).tokens(100, 40).build(),
                Fixtures.result("tp", "b").startedAt(T0.plusSeconds(1)).ttftMs(120.0).e2eMs(2000.0).tokens(100, 40).build(),
                Fixtures.result("tp", "c").startedAt(T0.plusSeconds(2)).ttftMs(700.0).e2eMs(3000.0).tokens(700, 20).build()), root);
        Path dir = root.resolve("tp");

        JsonNode summary = Json.WIRE.readTree(Files.readString(dir.resolve("summary.json")));
        JsonNode tp = summary.get("throughput");
        assertThat(tp.get("makespan_ms").asDouble()).isEqualTo(5000.0);
        assertThat(tp.get("completed").asInt()).isEqualTo(3);
        assertThat(tp.get("requests_per_s").asDouble()).isEqualTo(0.6);
        assertThat(tp.get("output_tokens_per_s").asDouble()).isEqualTo(20.0);
        assertThat(tp.get("total_tokens_per_s").asDouble()).isEqualTo(200.0);
        assertThat(summary.get("throughput_by_pool").get("default").get("makespan_ms").asDouble()).isEqualTo(5000.0);
        JsonNode buckets = summary.get("by_prompt_length");
        assertThat(buckets).hasSize(4);
        assertThat(buckets.get(0).get("prompt_tokens").asText()).isEqualTo("≤256");
        assertThat(buckets.get(0).get("n").asInt()).isEqualTo(2);
        assertThat(buckets.get(0).get("ttft_ms").get("p50").asDouble()).isEqualTo(110.0);
        assertThat(buckets.get(2).get("n").asInt()).isEqualTo(1);
        assertThat(buckets.get(2).get("e2e_ms").get("p50").asDouble()).isEqualTo(3000.0);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("## Run throughput").contains("| run | 3 | 5.0 | 3 | 0.6 | 20.0 | 200.0 |")
                .contains("## Latency by prompt length").contains("| ≤256 | 2 |");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<h2>Run throughput</h2>").contains("<title>TTFT (ms) against prompt tokens</title>")
                .contains("N = 3): TTFT against the prompt");
    }
}
