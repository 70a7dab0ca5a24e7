package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareManyTest {

    @TempDir
    Path reports;

    @Test
    void shouldWriteOneTableOfEveryRunInTheOrderGivenAndTheChartsInHtml() throws Exception {
        ReportFolder a = ReportFolder.read(SideBySideFixtures.runA(reports));
        ReportFolder b = ReportFolder.read(SideBySideFixtures.runB(reports));
        ReportFolder c = ReportFolder.read(CompareFixtures.run(reports, "run-c", 1, CompareFixtures.tight(100, 2)));
        Path out = Files.createDirectories(reports.resolve("compare-1"));

        List<Path> files = CompareMany.write(List.of(b, a, c), out);

        assertThat(files).containsExactly(out.resolve("compare.md"), out.resolve("compare.html"));
        String md = Files.readString(out.resolve("compare.md"));
        assertThat(md).startsWith("# Comparison of 3 runs\n");
        assertThat(md.lines().filter(l -> l.matches("\\| \\d \\| run-.*")).map(l -> l.substring(0, 11)))
                .containsExactly("| 1 | run-b", "| 2 | run-a", "| 3 | run-c");
        assertThat(md).contains("compare two runs").doesNotContain("Caution");
        String html = Files.readString(out.resolve("compare.html"));
        assertThat(html).contains("Content-Security-Policy").doesNotContain("<script").doesNotContain("http://")
                .contains("#1 run-b").contains("Pass rate per run").contains("E2E p95 per run");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 2);
    }

    @Test
    void shouldCautionWhenTheRunsEvaluatedDifferentPromptSets() throws Exception {
        ReportFolder a = ReportFolder.read(SideBySideFixtures.runA(reports));
        Path otherDir = CompareFixtures.run(reports, "run-o", 1, CompareFixtures.tight(100, 2));
        ObjectNode summary = (ObjectNode) Json.WIRE.readTree(otherDir.resolve("summary.json").toFile());
        summary.put("prompt_set_sha256", "f".repeat(64));
        Json.WIRE.writeValue(otherDir.resolve("summary.json").toFile(), summary);
        ReportFolder other = ReportFolder.read(otherDir);

        assertThat(CompareMany.notes(List.of(a, other, a)).get(0))
                .startsWith("Caution: the runs did not all evaluate the same prompt set (2 different prompt-set hashes, suites models, compare-test)");
    }
}
