package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.evalpipe.report.Fixtures;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.FailureReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFolderTest {

    @TempDir
    Path reports;

    @Test
    void shouldReadTheFiguresAndRowsTheReportWriterWrote() throws Exception {
        Path dir = CompareFixtures.run(reports, "run-a", 18, CompareFixtures.tight(100, 20));

        ReportFolder r = ReportFolder.read(dir);

        assertThat(r.runId()).isEqualTo("run-a");
        assertThat(r.n()).isEqualTo(20);
        assertThat(r.passed()).isEqualTo(18);
        assertThat(r.passRate()).isEqualTo(0.9);
        // Wilson 18/20, as summary.json states it.
        assertThat(r.passRateCi95().lo()).isCloseTo(0.6989663547715128, within(1e-12));
        assertThat(r.passRateCi95().hi()).isCloseTo(0.9721335187862319, within(1e-12));
        assertThat(r.e2e().n()).isEqualTo(20);
        assertThat(r.e2e().max()).isCloseTo(101.9, within(1e-9));
        assertThat(r.e2e().p95Ci95()).isNotNull();
        assertThat(r.failuresByReason()).containsEntry("schema_violation", 2L);
        assertThat(r.params()).containsEntry("max_tokens", "256");
        assertThat(r.rows()).hasSize(20);
        assertThat(r.rows().get(19)).isEqualTo(new ReportFolder.Row("P20", "fail", "schema_violation", 101.9, 25.475, 69));
    }

    @Test
    void shouldCountTheRowsThatPassAndMeetAnSloTheRunWasNotJudgedBy() throws Exception {
        // Prompt 2 fails; the others pass with E2E 50, 150 and 100 ms, TTFT a quarter of that.
        Path dir = CompareFixtures.run(reports, "run-g", new boolean[] {true, true, false, true}, new double[] {50, 150, 50, 100});

        ReportFolder r = ReportFolder.read(dir);

        assertThat(r.goodUnder(io.evalpipe.contracts.Slo.NONE)).isEqualTo(3);
        assertThat(r.goodUnder(new io.evalpipe.contracts.Slo(100.0, null))).as("an objective met exactly is met").isEqualTo(2);
        assertThat(r.goodUnder(new io.evalpipe.contracts.Slo(100.0, 20.0))).isEqualTo(1);
    }

    @Test
    void shouldUndoTheSpreadsheetQuoteOfAPromptIdStartingWithADash() throws Exception {
        var manifest = Fixtures.manifest("run-q", "-x", "y");
        new ReportWriter().write(Fixtures.report(manifest, Fixtures.pass("run-q", "-x", 10), Fixtures.pass("run-q", "y", 20)), reports);

        assertThat(ReportFolder.read(reports.resolve("run-q")).rows()).extracting(ReportFolder.Row::promptId).containsExactly("-x", "y");
    }

    @Test
    void shouldStateNoLatencyForARunOfErrorsWithoutTimings() throws Exception {
        var manifest = Fixtures.manifest("run-e", "p1");
        new ReportWriter().write(Fixtures.report(manifest, Fixtures.error("run-e", "p1", FailureReason.ENGINE_ERROR)), reports);

        ReportFolder r = ReportFolder.read(reports.resolve("run-e"));

        assertThat(r.e2e()).isNull();
        assertThat(r.passRate()).isZero();
    }

    @Test
    void shouldRefuseAMissingFolder() {
        assertThatThrownBy(() -> ReportFolder.read(reports.resolve("nope")))
                .isInstanceOf(UnreadableReportException.class).hasMessageContaining("no report folder");
    }

    @Test
    void shouldRefuseAFolderWithoutSummary() throws Exception {
        Files.createDirectories(reports.resolve("empty"));

        assertThatThrownBy(() -> ReportFolder.read(reports.resolve("empty")))
                .isInstanceOf(UnreadableReportException.class).hasMessageContaining("summary.json");
    }

    @Test
    void shouldRefuseACorruptSummary() throws Exception {
        Path dir = CompareFixtures.run(reports, "run-c", 1, CompareFixtures.tight(100, 2));
        Files.writeString(dir.resolve("summary.json"), "{\"n\": ");

        assertThatThrownBy(() -> ReportFolder.read(dir)).isInstanceOf(UnreadableReportException.class);
    }

    @Test
    void shouldRefuseASummaryWithoutItsFigures() throws Exception {
        Path dir = CompareFixtures.run(reports, "run-f", 1, CompareFixtures.tight(100, 2));
        Files.writeString(dir.resolve("summary.json"), "{\"run_id\": \"run-f\", \"n\": 2}");

        assertThatThrownBy(() -> ReportFolder.read(dir)).isInstanceOf(UnreadableReportException.class)
                .hasMessageContaining("'passed' is missing");
    }

    @Test
    void shouldRefuseACsvThatDisagreesWithTheSummary() throws Exception {
        Path dir = CompareFixtures.run(reports, "run-d", 1, CompareFixtures.tight(100, 3));
        List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        Files.write(dir.resolve("results.csv"), lines.subList(0, lines.size() - 1));

        assertThatThrownBy(() -> ReportFolder.read(dir)).isInstanceOf(UnreadableReportException.class)
                .hasMessageContaining("results.csv has 2 rows");
    }
}
