package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.RunManifest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotsTest {

    @TempDir
    Path dir;

    @Test
    void shouldResolveASafeIdInsideTheFolder() {
        Path file = Snapshots.resolve(dir, "p-1.a_b");

        assertThat(file.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(file.getFileName().toString()).isEqualTo("p-1.a_b.json");
        assertThat(Snapshots.href("p-1.a_b")).isEqualTo("snapshots/p-1.a_b.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "..", ".", "a/b", "a\\b", "/etc/passwd", "", "p\u0000", "p 1"})
    void shouldRefuseAnIdThatIsNoSafeFileName(String id) {
        assertThatThrownBy(() -> Snapshots.resolve(dir, id)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Snapshots.href(id)).isNull();
    }

    @Test
    void shouldHoldEverythingKnownAboutTheResult() {
        RunManifest m = Fixtures.manifest("run-1", "p1");
        RunReport report = Fixtures.report(m, result("run-1", "p1")
                .fail(FailureReason.SCHEMA_VIOLATION, "/answer: required").output("{\"x\":1}").workerId("w7")
                .pool("gpu").e2eMs(700.0).ttftMs(200.0).tokens(30, 11).notes("salvaged")
                .messages(new ChatMessage("system", "Reply in JSON."), new ChatMessage("user", "Ask me a question.")).build());
        RunFigures f = RunFigures.of(report);

        JsonNode s = Snapshots.build(m, f, f.outliers().get(0));

        assertThat(s.get("prompt_id").asText()).isEqualTo("p1");
        assertThat(s.get("status").asText()).isEqualTo("fail");
        assertThat(s.get("failure_reason").asText()).isEqualTo("schema_violation");
        assertThat(s.get("snapshot_reasons")).extracting(JsonNode::asText).containsExactly("fail");
        assertThat(s.get("params").get("max_tokens").asInt()).isEqualTo(256);
        assertThat(s.get("messages")).hasSize(2);
        assertThat(s.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(s.get("messages").get(1).get("content").asText()).isEqualTo("Ask me a question.");
        assertThat(s.get("output").asText()).isEqualTo("{\"x\":1}");
        assertThat(s.get("prompt_tokens").asInt()).isEqualTo(30);
        assertThat(s.get("completion_tokens").asInt()).isEqualTo(11);
        assertThat(s.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(s.get("timings").get("e2e_ms").asDouble()).isEqualTo(700.0);
        assertThat(s.get("timings").get("ttft_ms").asDouble()).isEqualTo(200.0);
        assertThat(s.get("timings").get("tokens_per_s").asDouble()).isEqualTo(22.0); // 11 / 0.5 s
        assertThat(s.get("validation_errors")).extracting(JsonNode::asText).containsExactly("/answer: required");
        assertThat(s.get("notes")).extracting(JsonNode::asText).containsExactly("salvaged");
        assertThat(s.get("worker_id").asText()).isEqualTo("w7");
        assertThat(s.get("pool").asText()).isEqualTo("gpu");
        assertThat(s.get("lineage").get("engine").asText()).isEqualTo("llamacpp");
        assertThat(s.get("lineage").get("model_load_ms").asLong()).isEqualTo(250);
    }

    @Test
    void shouldHoldAnEmptyListForAResultWithoutMessages() {
        RunManifest m = Fixtures.manifest("run-1", "p1");
        RunReport report = Fixtures.report(m, Fixtures.fail("run-1", "p1", FailureReason.INVALID_JSON, "not JSON"));
        RunFigures f = RunFigures.of(report);

        assertThat(Snapshots.build(m, f, f.outliers().get(0)).get("messages").isEmpty()).isTrue();
    }

    @Test
    void shouldListNothingToKeepWhenNoResultStandsOut() throws java.io.IOException {
        RunReport report = Fixtures.report(Fixtures.manifest("run-1", "p1"), Fixtures.pass("run-1", "p1", 10.0));

        assertThat(Snapshots.write(dir, report, RunFigures.of(report))).isEmpty();
        assertThat(dir.resolve(Snapshots.DIR)).doesNotExist();
    }
}
