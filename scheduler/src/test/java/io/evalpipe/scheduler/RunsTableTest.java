package io.evalpipe.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunsTableTest {

    static RunSummary run(String id, int passed, Double p95) {
        return new RunSummary(1, id, 20, 20, passed, passed / 20.0, true, List.of(), p95 == null ? null : p95 / 2, p95,
                "/r/" + id, "nightly", "cpu", "model.gguf", Instant.parse("2026-11-23T02:00:00Z"), 0, 0);
    }

    @Test
    void shouldListRunsOldestFirstAndStarEachSuitesBaseline() {
        RunSummary older = run("nightly-1", 18, 1234.4);
        RunSummary newer = new RunSummary(1, "nightly-2", 20, 17, 15, 15 / 17.0, false, List.of("a", "b", "c"), null, null,
                "/r/2", "nightly", "cpu", "model.gguf", Instant.parse("2026-11-24T02:00:03Z"), 0, 0);
        RunSummary other = new RunSummary(1, "adhoc-1", 4, 4, 4, 1.0, true, List.of(), 10.0, 20.0, "/r/3", "adhoc", "gpu", null,
                Instant.parse("2026-11-23T01:00:00Z"), 0, 0);
        RunHistory history = new RunHistory(Map.of("nightly-2", newer, "nightly-1", older, "adhoc-1", other),
                Map.of("nightly", new Approval(1, "nightly", "nightly-1", "ana", Instant.parse("2026-11-23T09:00:00Z"))));

        List<String> lines = RunsTable.render(history, null).lines().toList();

        assertThat(lines.get(0)).startsWith("BASE  RUN").contains("PASS RATE").contains("E2E P95").contains("WHEN");
        assertThat(lines.get(1)).startsWith("      adhoc-1").contains("100.0% (4/4)").contains("20 ms (N=4)").contains("2026-11-23 01:00Z");
        assertThat(lines.get(2)).startsWith("*     nightly-1").contains("90.0% (18/20)").contains("1234 ms (N=20)").contains("model.gguf");
        assertThat(lines.get(3)).startsWith("      nightly-2").contains("88.2% (15/17), 3 missing").contains("2026-11-24 02:00Z");
        assertThat(lines.get(4)).startsWith("* approved baseline");
    }

    @Test
    void shouldFilterBySuiteAndSaySoWhenThereAreNoRuns() {
        RunHistory history = new RunHistory(Map.of("nightly-1", run("nightly-1", 18, 1000.0)), Map.of());

        assertThat(RunsTable.render(history, "nightly")).contains("nightly-1");
        assertThat(RunsTable.render(history, "weekly")).isEqualTo("No runs of suite weekly yet.\n");
    }
}
