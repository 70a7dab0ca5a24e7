package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On real llama.cpp (synthetic model): with output_mode schema, decoding is constrained by the
 * grammar derived from the project's schema, so every one of the 20 prompts gets a reply that the
 * networknt validator accepts, although the model's weights are random.
 */
class SchemaModeTest {
    private static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));

    @Test
    void shouldGiveSchemaValidRepliesForAllTwentyPrompts() throws Exception {
        ReplyValidator validator = ReplyValidator.fromFile(ROOT.resolve("schemas/interview_chat.schema.json"));
        JobRunner runner = new JobRunner(TestModels.tinyEngine(), validator, ReplyValidator.Mode.STRICT, "w1", "cpu",
                new Lineage("llamacpp", "cpu", null, 1, 2, null, 0), Clock.systemUTC());
        GenerationParams schemaMode = new GenerationParams(512, 0.0, null, null, null, 42L, null, 60_000L, "schema");

        List<EvalResult> results = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("prompts/interview_chat_20.jsonl"))) {
            JsonNode prompt = new ObjectMapper().readTree(line);
            List<ChatMessage> messages = new ArrayList<>();
            prompt.get("messages").forEach(m -> messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText())));
            results.add(runner.run(new Job(Messages.SCHEMA_VERSION, "run", prompt.get("id").asText(), messages, schemaMode, Instant.now())));
        }

        assertThat(results).hasSize(20);
        assertThat(results).allSatisfy(r -> assertThat(r.status())
                .as("%s: %s %s %s", r.promptId(), r.failureReason(), r.validationErrors(), r.notes())
                .isEqualTo(ResultStatus.PASS));
        assertThat(results).allSatisfy(r -> assertThat(r.notes()).isEmpty());
    }
}
