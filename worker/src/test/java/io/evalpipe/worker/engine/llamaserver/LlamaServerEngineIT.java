package io.evalpipe.worker.engine.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineCrashException;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.engine.LlamaCppOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real llama-server (../shared/llama.cpp, build 10573) on the tiny synthetic qwen3 model, which
 * the in-process llama.cpp cannot load: streamed completions with the server's own counts, the
 * schema as a grammar, a load failure with the server's reason, a crash mid-generation and the
 * restart after it, and no process left behind.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LlamaServerEngineIT {
    private static final List<ChatMessage> CHAT = List.of(
            new ChatMessage("system", "You are an interviewer for a backend role. Ask one question at a time."),
            new ChatMessage("user", "Hello, I am ready for the interview."));
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"reply\":{\"type\":\"string\",\"maxLength\":40}},"
            + "\"required\":[\"reply\"],\"additionalProperties\":false}";

    private static LlamaServerBinary binary;
    private static LlamaServerEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(TestModels.llamaServer().isPresent(), TestModels.NO_LLAMA_SERVER);
        binary = LlamaServerBinary.resolve(TestModels.llamaServer().get(), System.getenv());
        engine = LlamaServerEngine.start(binary, TestModels.tinyQwen3(), LlamaCppOptions.builder().threads(1).parallel(2).build(),
                Duration.ofMinutes(1));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
            assertThat(liveServers()).as("llama-server processes left after close").isEmpty();
        }
    }

    private static GenerationParams maxTokens(int n) {
        return GenerationParams.DEFAULTS.overriddenBy(new GenerationParams(n, null, null, null, null, null, null, null, null));
    }

    @Test
    void shouldReportTheBuildItRuns() {
        assertThat(binary.build()).isEqualTo("10573");
        assertThat(engine.info().build()).isEqualTo("llama-server (llama.cpp b10573, d775b89)");
        assertThat(engine.info().engine()).isEqualTo("llama-server");
    }

    @Test
    void shouldStreamACompletionWithTheServersTokenCountsAndCachedPrefix() throws Exception {
        Completion first = engine.complete(new CompletionRequest(CHAT, maxTokens(16), null));
        Completion second = engine.complete(new CompletionRequest(List.of(CHAT.get(0),
                new ChatMessage("user", "Hello again, I am ready.")), maxTokens(16), null));

        // The synthetic model never ends a reply by itself: it runs to max tokens, counted by the server.
        assertThat(first.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(first.completionTokens()).isEqualTo(16);
        assertThat(first.ttftNanos()).isNotNull().isLessThanOrEqualTo(first.e2eNanos());
        assertThat(first.engineTimings()).isNotNull();
        assertThat(first.engineTimings().predictedTokens()).isEqualTo(16);
        assertThat(first.engineTimings().cachedTokens() + first.engineTimings().promptTokens()).isEqualTo(first.promptTokens());
        // Same system prompt: the server's cache serves it the second time and says so.
        assertThat(second.engineTimings().cachedTokens()).isPositive();
        assertThat(second.engineTimings().cachedTokens() + second.engineTimings().promptTokens()).isEqualTo(second.promptTokens());
    }

    @Test
    void shouldConstrainTheReplyWithTheSchema() throws Exception {
        Completion c = engine.complete(new CompletionRequest(CHAT, maxTokens(200), SCHEMA));

        assertThat(c.grammarApplied()).isTrue();
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(new ObjectMapper().readTree(c.text()).path("reply").isTextual()).isTrue();
    }

    @Test
    void shouldStopWithTheServersOwnReasonWhenItCannotLoadTheModel() throws Exception {
        // A whole GGUF file of an architecture no llama.cpp knows: only the server can say what is wrong.
        Path unknown = dir.resolve("unknown-arch.gguf");
        byte[] bytes = Files.readAllBytes(TestModels.tiny());
        String header = new String(bytes, 0, 4096, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = header.indexOf("general.architecture") + "general.architecture".length() + 4 + 8;
        assertThat(new String(bytes, at, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("llama");
        bytes[at + 4] = 'b';
        Files.write(unknown, bytes);

        assertThatThrownBy(() -> LlamaServerEngine.start(binary, unknown, LlamaCppOptions.builder().threads(1).build(), Duration.ofMinutes(1)))
                .isInstanceOf(LlamaServerException.class)
                .hasMessageContaining("unknown-arch.gguf")
                .hasMessageContaining("unknown model architecture: 'llamb'");
        assertThat(liveServers()).hasSize(1);
    }

    @Test
    void shouldFailTheJobInFlightAsACrashWhenTheServerDiesAndServeAgainAfterTheRestart() throws Exception {
        ProcessHandle server = liveServers().get(0);
        CompletableFuture<Completion> longJob = CompletableFuture.supplyAsync(() -> {
            try {
                return engine.complete(new CompletionRequest(CHAT, maxTokens(3_900), null));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        // Once a slot is generating, kill the server the way the OOM killer would.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(LlamaServerEngineIT::generating);
        server.destroyForcibly();

        assertThatThrownBy(() -> longJob.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(EngineCrashException.class)
                .hasMessageContaining("ended while running the job")
                .hasMessageContaining("killed by signal 9");
        EngineCrashException crash = (EngineCrashException) longJob.handle((c, e) -> e.getCause()).get();
        assertThat(crash.lastLogLines()).isNotEmpty();

        Completion after = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> engine.complete(new CompletionRequest(CHAT, maxTokens(8), null)), c -> c != null);
        assertThat(after.completionTokens()).isEqualTo(8);
        assertThat(liveServers()).hasSize(1).doesNotContain(server);
    }

    /** True while one of the server's slots is processing a task (its own /slots endpoint says so). */
    private static boolean generating() throws Exception {
        ServerProcess p = engine.serving().process();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p.port + "/slots"))
                .header("Authorization", "Bearer " + p.apiKey).GET().build();
        String body = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return body.contains("\"is_processing\":true");
    }

    /** llama-server processes this JVM started that are alive (a zombie awaiting its reaper does not count). */
    static List<ProcessHandle> liveServers() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("llama-server")).orElse(false))
                .filter(LlamaServerEngineIT::running)
                .toList();
    }

    static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            return p.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
