package io.evalpipe.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFoldersTest {
    @TempDir
    Path reports;

    @Test
    void shouldReadEachRunFolderSummaryAndSkipFoldersWithoutOne() throws Exception {
        Path run = Files.createDirectories(reports.resolve("nightly-20261201-020000-abcdef"));
        Files.writeString(run.resolve("summary.json"), """
                {"run_id": "nightly-20261201-020000-abcdef", "suite": "nightly", "n": 19, "expected": 20, "passed": 15,
                 "pass_rate": 0.7894736842105263, "complete": false, "missing": ["q-7"],
                 "latency_ms": {"e2e": {"n": 19, "p50": 812.5, "p95": 1904.25}},
                 "model": {"file_name": "qwen3-8b.gguf"}, "pool": "gpu", "created_at": "2026-12-01T02:00:00Z"}
                """);
        Files.createDirectories(reports.resolve("sweep-20261201-030000"));
        Path broken = Files.createDirectories(reports.resolve("half-written"));
        Files.writeString(broken.resolve("summary.json"), "{\"run_id\": ");
        List<String> skipped = new ArrayList<>();

        RunHistory history = ReportFolders.read(reports, skipped::add);

        assertThat(history.runs()).containsOnlyKeys("nightly-20261201-020000-abcdef");
        RunSummary s = history.runs().get("nightly-20261201-020000-abcdef");
        assertThat(s.n()).isEqualTo(19);
        assertThat(s.expected()).isEqualTo(20);
        assertThat(s.passed()).isEqualTo(15);
        assertThat(s.complete()).isFalse();
        assertThat(s.missing()).containsExactly("q-7");
        assertThat(s.e2eP50Ms()).isEqualTo(812.5);
        assertThat(s.e2eP95Ms()).isEqualTo(1904.25);
        assertThat(s.modelFile()).isEqualTo("qwen3-8b.gguf");
        assertThat(s.pool()).isEqualTo("gpu");
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(history.approvals()).isEmpty();
        assertThat(skipped).singleElement().asString().startsWith(broken.resolve("summary.json").toString());
        assertThat(RunsTable.render(history, null)).contains("78.9% (15/19), 1 missing").contains("1904 ms (N=19)")
                .doesNotContain("approved baseline");
    }
}
