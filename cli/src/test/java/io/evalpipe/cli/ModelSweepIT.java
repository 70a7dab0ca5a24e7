package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.models.GgufWriter;
import io.evalpipe.models.SyntheticModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `evalctl sweep --vary model=...` end to end: an embedded broker in this JVM, and for each of two
 * synthetic models of different sizes (tiny, about 5 MB; small, about 200 MB) a real `evalctl worker`
 * process on real llama.cpp, started for its variant and stopped before the next. One table must set
 * both side by side, each row with its model's own file size, load time and peak RSS, checked against
 * the run's own report.
 */
class ModelSweepIT {
    private static final int PROMPTS = 3;

    @TempDir
    Path work;

    private Path writePrompts() throws Exception {
        String system = "{\"role\": \"system\", \"content\": \"You are the interviewer. Reply with only a JSON object.\"}";
        List<String> lines = List.of(
                "{\"id\": \"M-1\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"Hello.\"}]}",
                "{\"id\": \"M-2\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"I prefer Java.\"}]}",
                "{\"id\": \"M-3\", \"messages\": [" + system + ", {\"role\": \"user\", \"content\": \"Thanks, bye.\"}]}");
        return Files.write(work.resolve("models_3.jsonl"), lines);
    }

    /**
     * One sweep of three models, for the time of one: two that load, set side by side, and a third whose worker
     * cannot load it, which stops the sweep with one line naming it while the two finished rows keep their table.
     */
    @Test
    void shouldSetModelsSideBySideEachServedByAWorkerProcessOfItsOwnAndStopAtOneThatCannotLoad() throws Exception {
        Path tiny = SyntheticModel.ensure(work.resolve("models/tiny.gguf"), SyntheticModel.Size.TINY, 42);
        Path small = SyntheticModel.ensure(work.resolve("models/small.gguf"), SyntheticModel.Size.SMALL, 42);
        // Whole GGUF of a bundled architecture, so every check before the start passes; llama.cpp then finds no weights.
        Path hollow = work.resolve("models/hollow.gguf");
        new GgufWriter().putString("general.architecture", "llama").write(hollow);
        Path reports = work.resolve("reports");
        StringWriter err = new StringWriter();

        int code = EvalCtl.execute(new PrintWriter(err, true), "sweep",
                "--prompts", writePrompts().toString(),
                "--schema", SweepIT.ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--threads", "1",
                "--max-tokens", "8",
                "--vary", "model=" + tiny + "," + small + "," + hollow,
                "--reports", reports.toString());

        assertThat(code).as("stderr: %s", err).isEqualTo(3);
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        System.out.println(lines); // the line a user sees
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("evalctl: model " + hollow + ": its worker process exited with code ")
                .contains("before variant 3 finished");
        List<Path> folders;
        try (Stream<Path> dirs = Files.list(reports)) {
            folders = dirs.filter(Files::isDirectory).toList();
        }
        List<Path> sweeps = folders.stream().filter(p -> p.getFileName().toString().startsWith("sweep-")).toList();
        assertThat(sweeps).hasSize(1);
        assertThat(folders).as("the sweep and one run per model that loaded").hasSize(3);
        Path sweep = sweeps.get(0);
        String md = Files.readString(sweep.resolve("sweep.md"));
        System.out.println(md); // the table, for whoever reads the test's output
        assertThat(md).contains("Incomplete: 2 of 3 variants finished");

        List<Map<String, String>> rows = SweepIT.rows(md);
        assertThat(rows).extracting(r -> r.get("model")).containsExactly(tiny.toString(), small.toString());
        assertThat(rows).extracting(r -> r.get("Model")).containsExactly("tiny.gguf", "small.gguf");
        for (Map<String, String> row : rows) {
            assertThat(row.get("N")).isEqualTo(String.valueOf(PROMPTS));
            assertThat(row.get("Load (ms)")).as("its worker's own load time").matches("\\d+");
            assertThat(row.get("Peak RSS (MiB)")).as("its worker process's own VmHWM").matches("\\d+\\.\\d");
            SweepIT.assertRowMatchesSummary(row, reports.resolve(row.get("Run")), sweep, PROMPTS);
        }
        Map<String, String> t = rows.get(0);
        Map<String, String> s = rows.get(1);
        assertThat(Double.parseDouble(s.get("File size (MiB)"))).isGreaterThan(30 * Double.parseDouble(t.get("File size (MiB)")));
        assertThat(Double.parseDouble(s.get("Peak RSS (MiB)"))).as("the small model's worker held 200 MB more weights")
                .isGreaterThan(Double.parseDouble(t.get("Peak RSS (MiB)")));

        // Each run on its own pool, served by its own worker process.
        for (int i = 0; i < 2; i++) {
            Path run = reports.resolve(rows.get(i).get("Run"));
            JsonNode summary = ReportChecks.summary(run);
            assertThat(summary.get("pool").asText()).isEqualTo("default-model-" + (i + 1));
            assertThat(ReportChecks.column(ReportChecks.readCsv(run), "worker_id")).containsOnly("sweep-default-model-" + (i + 1));
        }
        String html = Files.readString(sweep.resolve("sweep.html"));
        assertThat(html).contains("<svg ").contains("#2 model=" + small).doesNotContain("http://").doesNotContain("<script");
    }
}
