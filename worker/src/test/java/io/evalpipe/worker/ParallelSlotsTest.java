package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.LlamaCppEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Continuous batching must not change what the model says: the same prompts at temperature 0 give
 * byte-identical replies whether they are served one at a time or in parallel slots of one engine.
 */
class ParallelSlotsTest {
    private static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));
    private static final GenerationParams GREEDY = GenerationParams.DEFAULTS.overriddenBy(
            new GenerationParams(48, 0.0, null, null, null, 42L, null, 60_000L, "free"));

    @Test
    void shouldGiveTheSameRepliesInParallelSlotsAsOneAtATime() throws Exception {
        LlamaCppEngine engine = TestModels.tinyEngine();
        int slots = engine.options().parallel();
        assertThat(slots).as("the shared test engine has several slots").isGreaterThan(1);
        Map<String, List<ChatMessage>> prompts = prompts(8);

        Map<String, String> sequential = new LinkedHashMap<>();
        for (var p : prompts.entrySet()) {
            sequential.put(p.getKey(), engine.complete(new CompletionRequest(p.getValue(), GREEDY, null)).text());
        }

        ExecutorService pool = Executors.newFixedThreadPool(slots);
        try {
            Map<String, Future<String>> running = new LinkedHashMap<>();
            for (var p : prompts.entrySet()) {
                running.put(p.getKey(), pool.submit(() -> engine.complete(new CompletionRequest(p.getValue(), GREEDY, null)).text()));
            }
            Map<String, String> parallel = new LinkedHashMap<>();
            for (var r : running.entrySet()) {
                parallel.put(r.getKey(), r.getValue().get());
            }
            assertThat(parallel).isEqualTo(sequential);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, List<ChatMessage>> prompts(int n) throws Exception {
        Map<String, List<ChatMessage>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("prompts/interview_chat_20.jsonl")).subList(0, n)) {
            JsonNode p = new ObjectMapper().readTree(line);
            List<ChatMessage> messages = new ArrayList<>();
            p.get("messages").forEach(m -> messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText())));
            out.put(p.get("id").asText(), messages);
        }
        return out;
    }
}
