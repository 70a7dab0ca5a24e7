package io.evalpipe.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.worker.TestModels;
import io.evalpipe.models.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real llama.cpp binding on the TINY synthetic model. Its text is meaningless but
 * deterministic under greedy decoding, and it never ends a reply by itself, so lengths are exact.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a stuck native slot must fail, not hang
class LlamaCppEngineTest {

    private static final List<ChatMessage> CHAT = List.of(
            new ChatMessage("system", "You are an interviewer for a backend role.\nAsk one question at a time."),
            new ChatMessage("user", "Hello, I am ready for the interview."));
    private static final String SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"maxLength\":20}},"
                    + "\"required\":[\"a\"],\"additionalProperties\":false}";

    private static LlamaCppEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        engine = TestModels.tinyEngine(); // one model per process: see TestModels.tinyEngine
    }

    private static GenerationParams params(int maxTokens) {
        return GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(maxTokens, null, null, null, null, null, null, null, null));
    }

    private static Completion complete(GenerationParams params) throws InferenceException {
        return engine.complete(new CompletionRequest(CHAT, params, null));
    }

    @Test
    void shouldDescribeItselfAfterLoading() {
        EngineInfo info = engine.info();

        assertThat(info.engine()).isEqualTo("llamacpp");
        assertThat(info.backend()).isEqualTo("cpu");
        assertThat(info.threads()).isEqualTo(1);
        assertThat(engine.options().parallel()).isEqualTo(2);
        assertThat(info.modelLoadMillis()).isNotNegative();
        assertThat(engine.modelFile().isSynthetic()).isTrue();
    }

    @Test
    void shouldRenderMessagesWithTheModelsChatTemplate() throws InferenceException {
        String prompt = engine.renderPrompt(CHAT);

        assertThat(prompt).isEqualTo("<|im_start|>system\nYou are an interviewer for a backend role.\n"
                + "Ask one question at a time.<|im_end|>\n<|im_start|>user\nHello, I am ready for the interview."
                + "<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void shouldGenerateWithSaneTimingsAndTokenCounts() throws InferenceException {
        Completion c = complete(params(32));

        assertThat(c.text()).isNotBlank();
        assertThat(c.ttftNanos()).isNotNull().isPositive();
        assertThat(c.ttftNanos()).isLessThanOrEqualTo(c.e2eNanos());
        assertThat(c.promptTokens()).isEqualTo(engine.countTokens(engine.renderPrompt(CHAT)) + 1); // + BOS
        assertThat(c.completionTokens()).isEqualTo(engine.countTokens(c.text())).isPositive();
        assertThat(c.grammarApplied()).isFalse();
    }

    @Test
    void shouldReportLengthWhenMaxTokensCutsTheReply() throws InferenceException {
        Completion c = complete(params(5));

        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.completionTokens()).isEqualTo(5);
    }

    @Test
    void shouldEndAtAStopStringAndLeaveItOut() throws InferenceException {
        String full = complete(params(40)).text();
        String stop = full.substring(10, 14);

        Completion c = complete(GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(40, null, null, null, null, null, List.of(stop), null, null)));

        assertThat(c.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void shouldConstrainTheReplyToTheJsonSchema() throws Exception {
        Completion c = engine.complete(new CompletionRequest(CHAT, params(200), SCHEMA));

        assertThat(c.grammarApplied()).isTrue();
        JsonNode json = new ObjectMapper().readTree(c.text());
        assertThat(json.isObject()).isTrue();
        assertThat(json.get("a").isTextual()).isTrue();
        assertThat(json.get("a").asText().length()).isLessThanOrEqualTo(20);
        assertThat(json.size()).isEqualTo(1);
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
    }

    /** Re-tokenizing the reply gave 15 for 16 decoded under the interview schema; the count is of decode steps. */
    @Test
    void shouldCountEveryDecodedTokenUnderAGrammarAsWithout() throws Exception {
        String interview = Files.readString(Path.of(System.getProperty("evalpipe.root", "../"), "schemas/interview_chat.schema.json"));
        for (int max : new int[] {1, 16, 64}) {
            Completion constrained = engine.complete(new CompletionRequest(CHAT, params(max), interview));
            Completion free = engine.complete(new CompletionRequest(CHAT, params(max), null));

            assertThat(constrained.finishReason()).as("max %d", max).isEqualTo(FinishReason.LENGTH);
            assertThat(constrained.completionTokens()).as("max %d, schema", max).isEqualTo(max);
            assertThat(free.completionTokens()).as("max %d, free", max).isEqualTo(max);
        }
    }

    @Test
    void shouldGenerateWithoutGrammarWhenLlamaCppCannotConvertTheSchema() throws InferenceException {
        // Passed to LlamaModel.jsonSchemaToGrammar, each of these would abort the JVM.
        for (String schema : List.of("{\"type\":\"frob\"}", "{\"$ref\":\"#/nowhere\"}", "{not json", "[1,2]")) {
            Completion c = engine.complete(new CompletionRequest(CHAT, params(8), schema));

            assertThat(c.grammarApplied()).as(schema).isFalse();
            assertThat(c.text()).as(schema).isNotEmpty();
            assertThat(c.finishReason()).as(schema).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void shouldTimeOutWithThePartialReplyAndFreeTheSlot() throws InferenceException {
        Completion slow = complete(GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(4000, null, null, null, null, null, null, 1L, null)));

        assertThat(slow.finishReason()).isEqualTo(FinishReason.TIMEOUT);
        assertThat(slow.completionTokens()).isLessThan(4000);
        assertThat(slow.e2eNanos()).isLessThan(TimeUnit.SECONDS.toNanos(2));

        Completion next = complete(params(8)); // would wait forever if the slot were still busy
        assertThat(next.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(next.completionTokens()).isEqualTo(8);
    }

    @Test
    void shouldRepeatTheSameTextForTheSameSeed() throws InferenceException {
        GenerationParams greedy = params(48);
        assertThat(complete(greedy).text()).isEqualTo(complete(greedy).text());

        GenerationParams sampled = GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(48, 0.9, 0.95, 40, 1.1, 1234L, null, null, null));
        assertThat(complete(sampled).text()).isEqualTo(complete(sampled).text());
    }

    @Test
    void shouldServeConcurrentCallersInParallelSlots() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Completion>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return engine.complete(new CompletionRequest(CHAT, params(64), null));
                    } catch (InferenceException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<Completion> call : calls) {
                Completion c = call.get(30, TimeUnit.SECONDS);
                assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(c.completionTokens()).isEqualTo(64);
                assertThat(c.ttftNanos()).isNotNull().isLessThanOrEqualTo(c.e2eNanos());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseAPromptLongerThanTheContext() {
        List<ChatMessage> huge = List.of(new ChatMessage("user", "the ".repeat(5000)));

        assertThatThrownBy(() -> engine.complete(new CompletionRequest(huge, params(8), null)))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("context holds 4096");
    }

    @Test
    void shouldRejectAMissingModelFileBeforeNativeCode() {
        Path missing = dir.resolve("missing.gguf");

        assertThatThrownBy(() -> LlamaCppEngine.load(missing, LlamaCppOptions.defaults()))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("Model file " + missing + " does not exist");
    }

    @Test
    void shouldRejectATruncatedModelFileBeforeNativeCode() throws IOException {
        byte[] whole = Files.readAllBytes(TestModels.tiny());
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> LlamaCppEngine.load(cut, LlamaCppOptions.defaults()))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is truncated: expected at least")
                .hasMessageContaining("found " + whole.length / 2);
    }

    @Test
    void shouldRejectAFileThatIsNotGguf() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "just some text, not a model");

        assertThatThrownBy(() -> LlamaCppEngine.load(text, LlamaCppOptions.defaults()))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is not a GGUF file");
    }

}
