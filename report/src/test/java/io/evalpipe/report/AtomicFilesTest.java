package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.FailureReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteALoneSurrogateAsAReplacementCharacter() throws IOException {
        Path file = dir.resolve("f.txt");

        AtomicFiles.write(file, out -> out.write("a\uD800b \uD83D\uDE00"));

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("a\uFFFDb \uD83D\uDE00");
    }

    @Test
    void shouldWriteTheWholeReportOfARunWhoseReplyHoldsALoneSurrogate() throws IOException {
        String reply = "{\"answer\": \"cut \uD83D\"}";
        RunReport report = Fixtures.report(Fixtures.manifest("run-s", "p1"),
                result("run-s", "p1").fail(FailureReason.SCHEMA_VIOLATION, "/answer: \uDC00").output(reply).build());

        Path reportDir = Path.of(new ReportWriter().write(report, dir).reportDir());

        assertThat(reportDir.resolve(ReportWriter.SUMMARY_JSON)).exists();
        assertThat(Files.readString(reportDir.resolve("snapshots/p1.json"), StandardCharsets.UTF_8)).contains("cut \uFFFD");
        // The viewer's data keeps it exactly, as an escape JSON.parse reads back.
        String html = Files.readString(reportDir.resolve(ReportWriter.REPORT_HTML), StandardCharsets.UTF_8);
        assertThat(ViewerPage.of(html).data().get("prompts").get(0).get("output").asText()).isEqualTo(reply);
    }
}
