package io.evalpipe.worker.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine against a local HTTP server that replays streams recorded from llama-server, vLLM
 * and Ollama (under {@code openai/} in the test resources), one scenario per URL prefix: the engine
 * for scenario {@code x} has the endpoint {@code http://127.0.0.1:port/x/v1}.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a stuck stream must fail, not hang
class OpenAiEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ChatMessage> CHAT = List.of(
            new ChatMessage("system", "You are a geography tutor. Answer in one sentence."),
            new ChatMessage("user", "What is the capital of France?"));
    private static final String SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"maxLength\":20}},"
                    + "\"required\":[\"a\"],\"additionalProperties\":false}";

    /** What the server received, by scenario. */
    private static final Map<String, Received> RECEIVED = new ConcurrentHashMap<>();
    /** Holds the slow scenario's stream after its first content chunk; released after the assertions. */
    private static final CountDownLatch SLOW_RELEASE = new CountDownLatch(1);
    /** Set when the slow scenario's writes after the release fail: the client closed the connection. */
    private static final AtomicBoolean SLOW_CLIENT_GONE = new AtomicBoolean();
    /** Holds the silent scenario before it sends any response headers. */
    private static final CountDownLatch SILENT_RELEASE = new CountDownLatch(1);
    /** Lets the pair scenario answer only once two requests are in flight together. */
    private static final CyclicBarrier PAIR = new CyclicBarrier(2);

    private static HttpServer server;
    private static ExecutorService serverThreads;

    private record Received(String body, String authorization) {}

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final ch.qos.logback.classic.Logger engineLog =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(OpenAiEngine.class);

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool(); // the default runs one exchange at a time
        server.setExecutor(serverThreads);
        server.createContext("/", OpenAiEngineTest::serve);
        server.start();
    }

    @AfterAll
    static void stopServer() {
        SLOW_RELEASE.countDown();
        SILENT_RELEASE.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        engineLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        engineLog.detachAppender(logs);
    }

    // --- the fake server -------------------------------------------------------------------------

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String scenario = path.substring(1, path.indexOf('/', 1));
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            RECEIVED.put(scenario, new Received(body, exchange.getRequestHeaders().getFirst("Authorization")));
            if (!path.endsWith("/v1/chat/completions") || !"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 404, "application/json", "{\"error\":{\"message\":\"File Not Found\"}}");
                return;
            }
            switch (scenario) {
                case "stop" -> stream(exchange, events("llama-server-stop.sse"));
                case "length" -> stream(exchange, events("vllm-length.sse"));
                case "nousage" -> stream(exchange, events("ollama-no-usage.sse"));
                case "errorevent" -> stream(exchange, events("llama-server-error-event.sse"));
                case "nodone" -> {
                    List<String> events = events("llama-server-stop.sse");
                    stream(exchange, events.subList(0, events.size() - 1));
                }
                case "broken" -> { // the bytes as recorded, ending mid-line
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write(resource("llama-server-broken.sse").getBytes(UTF_8));
                }
                case "http500" -> respond(exchange, 500, "application/json", resource("llama-server-500.json"));
                case "notsse" -> respond(exchange, 200, "application/json", resource("llama-server-500.json"));
                case "slow" -> {
                    List<String> events = events("llama-server-stop.sse");
                    stream(exchange, events.subList(0, 2)); // the role chunk and "The"
                    awaitQuietly(SLOW_RELEASE);
                    keepAliveUntilTheClientIsGone(exchange);
                }
                case "silent" -> awaitQuietly(SILENT_RELEASE); // no headers at all until released
                case "pair" -> {
                    try {
                        PAIR.await(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        respond(exchange, 503, "text/plain", "the two requests never overlapped");
                        return;
                    }
                    stream(exchange, events("llama-server-stop.sse"));
                }
                default -> respond(exchange, 404, "text/plain", "no scenario " + scenario);
            }
        } catch (IOException e) {
            // the client went away (a timeout cancels its stream): nothing left to tell it
        }
    }

    /** Writes events one at a time, each flushed as its own chunk, as a server generating them does. */
    private static void stream(HttpExchange exchange, List<String> events) throws IOException {
        if (exchange.getResponseCode() == -1) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
        }
        OutputStream out = exchange.getResponseBody();
        for (String event : events) {
            out.write((event + "\n\n").getBytes(UTF_8));
            out.flush();
        }
    }

    /** Writes SSE comments (as servers do to keep a connection open) until a write fails; at most 5 s. */
    private static void keepAliveUntilTheClientIsGone(HttpExchange exchange) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            OutputStream out = exchange.getResponseBody();
            while (System.nanoTime() < end) {
                out.write(": keep-alive\n\n".getBytes(UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            SLOW_CLIENT_GONE.set(true);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static List<String> events(String name) {
        return Arrays.stream(resource(name).split("\n\n")).filter(e -> !e.isBlank()).toList();
    }

    private static String resource(String name) {
        try (InputStream in = OpenAiEngineTest.class.getResourceAsStream("/openai/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource openai/" + name);
            }
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static OpenAiOptions options(String scenario) {
        return OpenAiOptions.of("http://127.0.0.1:" + server.getAddress().getPort() + "/" + scenario + "/v1/",
                "qwen2.5-0.5b-instruct");
    }

    private static OpenAiEngine engine(String scenario) {
        return new OpenAiEngine(options(scenario));
    }

    private static GenerationParams params(Integer maxTokens, Long timeoutMs, List<String> stop) {
        return GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(maxTokens, null, null, null, null, null, stop, timeoutMs, null));
    }

    private static Completion complete(String scenario) throws InferenceException {
        try (OpenAiEngine engine = engine(scenario)) {
            return engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, null));
        }
    }

    private static JsonNode receivedBody(String scenario) throws IOException {
        return JSON.readTree(RECEIVED.get(scenario).body());
    }

    // --- tests -----------------------------------------------------------------------------------

    @Test
    void shouldReturnTheTextTheServersTokenCountsAndTimings() throws InferenceException {
        Completion c = complete("stop");

        assertThat(c.text()).isEqualTo("The capital of France is Paris.");
        // 7 content chunks, but the server counted 8 tokens: the counts are the server's
        assertThat(c.promptTokens()).isEqualTo(24);
        assertThat(c.completionTokens()).isEqualTo(8);
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(c.ttftNanos()).isNotNull().isPositive();
        assertThat(c.ttftNanos()).isLessThanOrEqualTo(c.e2eNanos());
        assertThat(c.grammarApplied()).isFalse();
    }

    @Test
    void shouldReportLengthWhenTheServerStoppedAtMaxTokens() throws InferenceException {
        Completion c = complete("length");

        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.text()).isEqualTo("Here are three things to consider when designing a REST API: first, use nouns");
        assertThat(c.promptTokens()).isEqualTo(31);
        assertThat(c.completionTokens()).isEqualTo(16);
    }

    @Test
    void shouldReportZeroTokensAndWarnOnceWhenTheServerSendsNoUsage() throws InferenceException {
        try (OpenAiEngine engine = engine("nousage")) {
            Completion first = engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, null));
            Completion second = engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, null));

            assertThat(first.text()).isEqualTo("Hello! How can I help you today?");
            assertThat(first.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(first.promptTokens()).isZero();
            assertThat(first.completionTokens()).isZero(); // not the 9 content chunks
            assertThat(first.ttftNanos()).isNotNull();
            assertThat(second.completionTokens()).isZero();
        }
        assertThat(logs.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("sent no usage", "TPOT"));
    }

    @Test
    void shouldFailWhenTheStreamIsCutMidLine() {
        assertThatThrownBy(() -> complete("broken"))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("malformed data line");
    }

    @Test
    void shouldFailWhenTheStreamEndsWithoutDone() {
        assertThatThrownBy(() -> complete("nodone"))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("broke off after 31 chars")
                .hasMessageContaining("[DONE]");
    }

    @Test
    void shouldFailWithTheServersMessageWhenItReportsAnErrorMidStream() {
        assertThatThrownBy(() -> complete("errorevent"))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("llama_decode failed: out of memory");
    }

    @Test
    void shouldFailNamingTheStatusAndTheBodyOnAnHttpError() {
        assertThatThrownBy(() -> complete("http500"))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("Input prompt is too big compared to KV size");
    }

    @Test
    void shouldFailWhenTheServerDoesNotStream() {
        assertThatThrownBy(() -> complete("notsse"))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("not a stream of Server-Sent Events");
    }

    @Test
    void shouldFailClearlyWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (OpenAiEngine engine = new OpenAiEngine(OpenAiOptions.of("http://127.0.0.1:" + port + "/v1", "m"))) {
            assertThatThrownBy(() -> engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, null)))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("Cannot connect to http://127.0.0.1:" + port + "/v1/chat/completions");
        }
    }

    @Test
    void shouldReturnThePartialTextWhenTheTimeoutPasses() throws InferenceException {
        try (OpenAiEngine engine = engine("slow")) {
            long t0 = System.nanoTime();
            Completion c = engine.complete(new CompletionRequest(CHAT, params(null, 300L, null), SCHEMA));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(c.finishReason()).isEqualTo(FinishReason.TIMEOUT);
            assertThat(c.text()).isEqualTo("The");
            assertThat(c.ttftNanos()).isNotNull();
            assertThat(c.e2eNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(c.completionTokens()).isZero(); // the usage chunk never came
            assertThat(c.grammarApplied()).isTrue();
            assertThat(elapsedMillis).isLessThan(2_000);
        } finally {
            SLOW_RELEASE.countDown();
        }
        assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN); // a timeout is not a usage-less server
        // the stream was cancelled, not abandoned: its connection is closed, which stops a real server
        await().atMost(5, TimeUnit.SECONDS).untilTrue(SLOW_CLIENT_GONE);
    }

    @Test
    void shouldTimeOutBeforeTheServerAnswersAtAll() throws InferenceException {
        try (OpenAiEngine engine = engine("silent")) {
            long t0 = System.nanoTime();
            Completion c = engine.complete(new CompletionRequest(CHAT, params(null, 300L, null), null));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(c.finishReason()).isEqualTo(FinishReason.TIMEOUT);
            assertThat(c.text()).isEmpty();
            assertThat(c.ttftNanos()).isNull();
            assertThat(elapsedMillis).isLessThan(2_000);
        } finally {
            SILENT_RELEASE.countDown();
        }
    }

    @Test
    void shouldSendTheParamsSchemaAndKey() throws Exception {
        GenerationParams params = new GenerationParams(64, 0.7, 0.9, 20, 1.1, 1234L, List.of("\n\n", "</s>"), 5_000L, "schema");
        try (OpenAiEngine engine = new OpenAiEngine(options("stop").withApiKey("sk-local-123"))) {
            Completion c = engine.complete(new CompletionRequest(CHAT, params, SCHEMA));
            assertThat(c.grammarApplied()).isTrue();
        }

        JsonNode body = receivedBody("stop");
        assertThat(body.path("model").asText()).isEqualTo("qwen2.5-0.5b-instruct");
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("What is the capital of France?");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("seed").asLong()).isEqualTo(1234L);
        assertThat(body.path("stop")).extracting(JsonNode::asText).containsExactly("\n\n", "</s>");
        assertThat(body.path("top_k").asInt()).isEqualTo(20);
        assertThat(body.path("repeat_penalty").asDouble()).isEqualTo(1.1);
        assertThat(body.path("repetition_penalty").asDouble()).isEqualTo(1.1);
        JsonNode format = body.path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("reply");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema")).isEqualTo(JSON.readTree(SCHEMA));
        assertThat(RECEIVED.get("stop").authorization()).isEqualTo("Bearer sk-local-123");
    }

    @Test
    void shouldLeaveOutStopFormatAndKeyWhenNotAsked() throws Exception {
        complete("length");

        JsonNode body = receivedBody("length");
        assertThat(body.has("stop")).isFalse();
        assertThat(body.has("response_format")).isFalse();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(GenerationParams.DEFAULTS.maxTokens());
        assertThat(RECEIVED.get("length").authorization()).isNull();
    }

    @Test
    void shouldNotSendASchemaThatIsNotJson() throws Exception {
        try (OpenAiEngine engine = engine("stop")) {
            Completion c = engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, "{not json"));
            assertThat(c.grammarApplied()).isFalse();
        }
        assertThat(receivedBody("stop").has("response_format")).isFalse();
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("not valid JSON"));
    }

    @Test
    void shouldServeConcurrentCallsAtOnce() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (OpenAiEngine engine = engine("pair")) {
            CompletionRequest request = new CompletionRequest(CHAT, params(null, 10_000L, null), null);
            List<CompletableFuture<Completion>> calls = List.of(
                    CompletableFuture.supplyAsync(() -> call(engine, request), callers),
                    CompletableFuture.supplyAsync(() -> call(engine, request), callers));

            // the server answers neither until both are in flight, so serialised calls would fail
            for (CompletableFuture<Completion> call : calls) {
                Completion c = call.get(10, TimeUnit.SECONDS);
                assertThat(c.text()).isEqualTo("The capital of France is Paris.");
                assertThat(c.completionTokens()).isEqualTo(8);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static Completion call(OpenAiEngine engine, CompletionRequest request) {
        try {
            return engine.complete(request);
        } catch (InferenceException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldDescribeItselfByTheEndpointsHostOrTheGivenName() {
        try (OpenAiEngine byHost = engine("stop");
                OpenAiEngine byName = new OpenAiEngine(options("stop").withBackendName("vllm-h100"))) {
            assertThat(byHost.info()).isEqualTo(new EngineInfo("openai", "127.0.0.1", null, 0, 0));
            assertThat(byName.info().backend()).isEqualTo("vllm-h100");
        }
    }

    @Test
    void shouldRefuseCallsOnceClosed() {
        OpenAiEngine engine = engine("stop");
        engine.close();

        assertThatThrownBy(() -> engine.complete(new CompletionRequest(CHAT, GenerationParams.DEFAULTS, null)))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldKeepTheApiKeyOutOfTheOptionsTextAndTheLog() {
        OpenAiOptions options = options("stop").withApiKey("sk-secret-42");
        try (OpenAiEngine engine = new OpenAiEngine(options)) {
            assertThat(options.toString()).doesNotContain("sk-secret-42").contains("apiKey=***");
            assertThat(engine.toString()).doesNotContain("sk-secret-42");
        }
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("sk-secret-42"));
    }

    @Test
    void shouldNormaliseAndCheckTheEndpoint() {
        assertThat(OpenAiOptions.of("http://127.0.0.1:8080/v1/", "m").chatCompletionsUri())
                .hasToString("http://127.0.0.1:8080/v1/chat/completions");
        assertThatThrownBy(() -> OpenAiOptions.of("ftp://host/v1", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenAiOptions.of("http://user:pw@host/v1", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> OpenAiOptions.of("http://host/v1", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
