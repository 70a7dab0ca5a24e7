package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.worker.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `evalctl run` with absolute gates and --json, end to end: embedded broker, real llama.cpp on the
 * synthetic model. Without a grammar its random replies are never valid JSON, so a 50% pass-rate gate
 * must fail while a no-errors gate holds.
 */
class GatesIT {
    static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));

    @TempDir
    Path reports;

    @Test
    void shouldExitOneNamingTheFailedGateAndPrintOnlyJsonOnStdout() throws Exception {
        // The jar in a process of its own: stdout is the real one, with the production logging set-up.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ROOT.resolve("cli/target/evalctl.jar").toString(), "run",
                "--prompts", ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--schema", ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--model", TestModels.tiny().toString(),
                "--output-mode", "free", "--max-tokens", "24",
                "--min-pass-rate", "0.5", "--max-errors", "0",
                "--json", "--quiet",
                "--reports", reports.toString());
        Path out = reports.resolve("stdout.txt");
        Path errFile = reports.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(errFile.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("evalctl run finished").isTrue();
        String err = Files.readString(errFile, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("stderr: %s", err).isEqualTo(1);

        // stdout is one JSON document and nothing else: what `| python3 -m json.tool` and jq need.
        JsonNode json = Json.STRICT.readTree(Files.readString(out, StandardCharsets.UTF_8));
        assertThat(json.get("n").asInt()).isEqualTo(20);
        assertThat(json.get("passed").asInt()).isZero();
        assertThat(json.get("gates_passed").asBoolean()).isFalse();
        assertThat(json.get("gates")).hasSize(2);
        assertThat(json.get("gates").get(0).get("name").asText()).isEqualTo("min_pass_rate");
        assertThat(json.get("gates").get(0).get("passed").asBoolean()).isFalse();
        assertThat(json.get("gates").get(1).get("name").asText()).isEqualTo("max_errors");
        assertThat(json.get("gates").get(1).get("passed").asBoolean()).isTrue();

        // One line for the failed gate, with its interval; none for the one that held; no progress bar.
        assertThat(err).contains("evalctl: gate min_pass_rate failed (beyond the limit): pass rate 0.0% (0/20), 95% CI [0.0%, 16.1%]")
                .doesNotContain("gate max_errors failed").doesNotContain("passing 0");
        Path reportDir = Path.of(json.get("report_dir").asText());
        String junit = Files.readString(reportDir.resolve("gates-junit.xml"));
        assertThat(junit).contains("<testcase classname=\"evalctl.run\" name=\"min_pass_rate\"").contains("failures=\"1\"");
    }
}
