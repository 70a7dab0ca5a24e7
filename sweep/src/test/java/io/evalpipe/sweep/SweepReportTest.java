package io.evalpipe.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.report.compare.ModelFigures;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.SideBySideFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {

    @TempDir
    Path reports;

    @Test
    void shouldWriteOneRowPerModelWithItsSizeLoadTimeAndPeakRss() throws Exception {
        SweepPlan plan = SweepPlan.parse(List.of("max_tokens=16", "model=a.gguf,b.gguf"), GenerationParams.DEFAULTS);
        ReportFolder a = ReportFolder.read(SideBySideFixtures.runA(reports));
        ReportFolder b = ReportFolder.read(SideBySideFixtures.runB(reports));
        Path dir = SweepReport.createFolder(reports, Instant.parse("2025-01-01T12:00:00Z"));

        List<Path> files = SweepReport.write(dir, plan.keys(), List.of(
                new SweepReport.Entry(plan.variants().get(0), a, a.modelFigures(), 400L * 1024 * 1024),
                new SweepReport.Entry(plan.variants().get(1), b, b.modelFigures(), 1536L * 1024 * 1024)),
                List.of("A note.", SweepReport.notePercentiles()));

        assertThat(dir.getFileName().toString()).isEqualTo("sweep-20250101-120000");
        assertThat(files).containsExactly(dir.resolve("sweep.md"), dir.resolve("sweep.html"));
        String md = Files.readString(dir.resolve("sweep.md"));
        assertThat(md).startsWith("# Sweep: sweep-20250101-120000\n\n| # | model | max_tokens | Run | Model | File size (MiB) | Load (ms) |"
                + " Peak RSS (MiB) | N |");
        assertThat(md).contains("| 1 | a.gguf | 16 | run-a | a-q4.gguf | 5.0 | 120 | 400.0 | 4 | 3 | 75.0% | [30.1%, 95.4%] | 4 | 325.0 |"
                + " 392.5† | 400.0 | 125.0 | 250.0 | 50.0 | schema_violation 1 | [report](../run-a/report.md) |");
        assertThat(md).contains("| 2 | b.gguf | 16 | run-b | b\\|&lt;i>.gguf | 200.0 | 1500 | 1536.0 | 2 | 2 | 100.0% |");
        assertThat(md).contains("A note.\n\n").contains("VmHWM").doesNotContain("Warning");
        String html = Files.readString(dir.resolve("sweep.html"));
        assertThat(html.split("<tr>", -1)).hasSize(1 + 1 + 2);
        assertThat(html).contains("#1 model=a.gguf max_tokens=16").contains("<svg ").doesNotContain("<i>");
    }

    @Test
    void shouldGiveEachSweepInTheSameSecondAFolderOfItsOwn() throws Exception {
        Instant t = Instant.parse("2025-01-01T12:00:00Z");

        assertThat(SweepReport.createFolder(reports, t)).isNotEqualTo(SweepReport.createFolder(reports, t));
    }
}
