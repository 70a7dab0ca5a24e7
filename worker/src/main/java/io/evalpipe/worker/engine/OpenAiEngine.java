package io.evalpipe.worker.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.GenerationParams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generations on an OpenAI-compatible server (llama.cpp's llama-server, vLLM, Ollama) through
 * its streamed {@code /chat/completions} endpoint.
 *
 * <p>Why it is built the way it is:
 *
 * <ul>
 *   <li><b>Always streamed</b>, because time to first token can only be measured on a stream. Each
 *       Server-Sent Event is read as one {@code data:} line: every server this targets puts a
 *       whole chunk on one line, so a data line that is not complete JSON means a broken stream, not
 *       an event continued on the next line. Only {@code choices[0].delta.content} is the reply: a
 *       reasoning model's {@code reasoning_content} is neither returned nor counted as a first token.
 *   <li><b>Token counts are the server's</b> ({@code usage}, asked for with {@code
 *       stream_options.include_usage}), because only the server's tokenizer knows them: a streamed
 *       chunk may hold several tokens or part of one. A server that sends no usage gets counts of 0,
 *       never a count of chunks, and one WARN per engine says so; 0 completion tokens also keeps
 *       TPOT, which is computed only above 1, out of the results. A timed-out generation has counts
 *       of 0 too, since usage comes last.
 *   <li><b>{@code top_k} and the repeat penalty are extra fields</b> outside the OpenAI API.
 *       llama-server reads {@code top_k} and {@code repeat_penalty}; vLLM reads {@code top_k} and
 *       {@code repetition_penalty}, so the penalty is sent under both names (each server ignores the
 *       other's, vLLM with a warning in its own log). Ollama's OpenAI endpoint ignores both, and the
 *       OpenAI API itself would refuse them, which is fine: this engine targets local servers. The
 *       two servers apply the penalty differently (llama.cpp to the last 64 tokens, vLLM to prompt
 *       and reply), so the same value is not the same mitigation on both.
 *   <li><b>A JSON schema goes in {@code response_format}</b> as a strict {@code json_schema}, and the
 *       completion says {@code grammarApplied} whenever it was sent: the server enforces it, and
 *       nothing in the response says whether it did (an older Ollama, for one, ignores it). The
 *       reply's validation downstream is what catches a server that did not. A schema that is not a
 *       JSON object is not sent (one WARN per schema), as {@link LlamaCppEngine} does with a schema it
 *       cannot use. A schema the
 *       server refuses is an HTTP 400 and so an {@link InferenceException}: unlike llama.cpp's own
 *       error, a 400 cannot be told apart from other bad requests, so there is no retry without it.
 *   <li><b>Timeouts cancel the stream</b>: the caller waits for the stream's end with the request's
 *       deadline, and on expiry cancels the body subscription (closing the connection, which makes
 *       llama-server and vLLM stop generating) or, before the response headers, the exchange. The
 *       text received so far is returned with {@link FinishReason#TIMEOUT}. A timeout of 0 or less
 *       means no limit; a server that stalls then holds the caller until it answers.
 *   <li><b>llama-server's {@code timings}</b> (in the chunk that carries the usage) are kept as the
 *       completion's {@link EngineTimings}: how many prompt tokens came from its prompt cache, how many
 *       it evaluated and how long prefill and decode took by its own clock. Other servers send none.
 *   <li><b>Failures say whose fault they are.</b> A server that cannot be reached (connection refused
 *       or timed out, HTTP 503 while it loads) or a stream that breaks off is an {@link
 *       EngineUnavailableException}: the job is fine and must run again later. A server that answers
 *       with an error (an HTTP error status, an error event, a malformed stream) refused the job
 *       itself: a plain {@link InferenceException}.
 *   <li><b>HTTP/1.1 only</b>: for {@code http:} URLs the JDK client otherwise sends an h2c upgrade
 *       request, which none of these servers supports (uvicorn, under vLLM, warns about each one);
 *       HTTP/2 would gain nothing here.
 * </ul>
 *
 * <p>Concurrent calls are safe: {@link HttpClient} is, and each call has its own stream state. The
 * server decides how many run at once (llama-server's {@code --parallel} slots, vLLM's batch);
 * requests beyond that queue there, inside the request's timeout.
 *
 * <p>Nothing here logs the API key, nor prompts or replies above DEBUG. Exception messages quote the
 * server only where it reports an error (an HTTP error's body, an error event), at most {@value
 * #ERROR_BODY_CHARS} characters; a line that cannot be read, which may hold generated text, is
 * described by its length and logged at DEBUG.
 */
public final class OpenAiEngine implements InferenceEngine {

    private static final Logger log = LoggerFactory.getLogger(OpenAiEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    static final int ERROR_BODY_CHARS = 200;

    private final OpenAiOptions options;
    private final URI chatCompletions;
    private final HttpClient http;
    private final EngineInfo info;
    private final AtomicBoolean warnedNoUsage = new AtomicBoolean();
    /** Schema text to its parsed form, empty when unusable; schemas are few and reused. */
    private final Map<String, Optional<JsonNode>> schemas = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Makes no request: the server is first contacted by {@link #complete}. */
    public OpenAiEngine(OpenAiOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options are required");
        }
        this.options = options;
        this.chatCompletions = options.chatCompletionsUri();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .build();
        this.info = new EngineInfo("openai", options.backend(), null, 0, 0);
        log.debug("OpenAI-compatible engine: model {} at {}{}", options.model(), chatCompletions,
                options.apiKey() == null ? "" : ", with an API key");
    }

    public OpenAiOptions options() {
        return options;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@code timeoutMs} of 0 or less means no limit. Fields the request leaves null take
     * {@link GenerationParams#DEFAULTS}. Token counts are 0 when the server sent no usage (see the
     * class comment).
     *
     * @throws InferenceException when the server cannot be reached, answers with an HTTP error,
     *     reports an error in the stream, or the stream breaks off or is not Server-Sent Events
     */
    @Override
    public Completion complete(CompletionRequest request) throws InferenceException {
        if (closed) {
            throw new InferenceException("The OpenAI engine for " + chatCompletions + " is closed");
        }
        GenerationParams p = GenerationParams.DEFAULTS.overriddenBy(request.params());
        JsonNode schema = request.jsonSchema() == null ? null : parsedSchema(request.jsonSchema());
        HttpRequest.Builder builder = HttpRequest.newBuilder(chatCompletions)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(request.messages(), p, schema), UTF_8));
        if (options.apiKey() != null) {
            builder.header("Authorization", "Bearer " + options.apiKey());
        }

        long start = System.nanoTime();
        long timeoutMs = p.timeoutMs();
        long deadline = timeoutMs > 0 ? start + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : NO_DEADLINE;
        SseStream stream = new SseStream(start);
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(builder.build(), stream::subscriber);
        // Covers what the body subscriber never sees: no connection, or a failure before the headers.
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                stream.transportFailed(failure);
            }
        });

        try {
            if (deadline == NO_DEADLINE) {
                stream.done.get();
            } else {
                stream.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            if (stream.expire(System.nanoTime())) {
                exchange.cancel(true); // before the headers there is no subscription to cancel
            } else {
                awaitFinished(stream); // it ended as the deadline passed: take that ending
            }
        } catch (ExecutionException e) {
            throw (InferenceException) e.getCause();
        } catch (InterruptedException e) {
            stream.expire(System.nanoTime());
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new InferenceException("Interrupted while waiting for " + chatCompletions, e);
        }

        Completion c = stream.completion(schema != null);
        if (c.finishReason() != FinishReason.TIMEOUT && !stream.sawUsage() && warnedNoUsage.compareAndSet(false, true)) {
            log.warn("{} sent no usage with its stream (stream_options.include_usage unsupported?): "
                    + "token counts are reported as 0 and TPOT is unavailable for this engine", chatCompletions);
        }
        log.debug("Completion: {} prompt tokens, {} completion tokens, {}, ttft {} ms, e2e {} ms",
                c.promptTokens(), c.completionTokens(), c.finishReason().wireName(),
                c.ttftNanos() == null ? "-" : c.ttftNanos() / 1_000_000, c.e2eNanos() / 1_000_000);
        return c;
    }

    private static void awaitFinished(SseStream stream) throws InferenceException {
        try {
            stream.done.join();
        } catch (CompletionException e) {
            throw (InferenceException) e.getCause();
        }
    }

    private String requestBody(List<ChatMessage> messages, GenerationParams p, JsonNode schema)
            throws InferenceException {
        if (messages.isEmpty()) {
            throw new InferenceException("Cannot send an empty conversation");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("model", options.model());
        ArrayNode list = body.putArray("messages");
        for (ChatMessage m : messages) {
            if (m.role() == null || m.content() == null) {
                throw new InferenceException("A chat message needs a role and content: " + m);
            }
            // Unpaired surrogates would become '?' in UTF-8; U+FFFD matches what LlamaCppEngine sends.
            list.addObject()
                    .put("role", Utf16.wellFormed(m.role()))
                    .put("content", Utf16.wellFormed(m.content()));
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("max_tokens", p.maxTokens());
        body.put("temperature", p.temperature());
        body.put("top_p", p.topP());
        body.put("seed", p.seed());
        if (p.stop() != null && !p.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            p.stop().forEach(s -> stop.add(Utf16.wellFormed(s)));
        }
        if (p.topK() != null) {
            body.put("top_k", p.topK());
        }
        if (p.repeatPenalty() != null) {
            body.put("repeat_penalty", p.repeatPenalty());
            body.put("repetition_penalty", p.repeatPenalty());
        }
        if (schema != null) {
            ObjectNode jsonSchema = body.putObject("response_format")
                    .put("type", "json_schema")
                    .putObject("json_schema");
            jsonSchema.put("name", "reply");
            jsonSchema.set("schema", schema);
            jsonSchema.put("strict", true);
        }
        return body.toString();
    }

    /** The schema as a JSON object, or null (with a WARN, once per schema) when it cannot be sent. */
    private JsonNode parsedSchema(String schema) {
        return schemas.computeIfAbsent(schema, s -> {
            try {
                JsonNode node = JSON.readTree(s);
                if (node != null && node.isObject()) {
                    return Optional.of(node);
                }
                log.warn("Generating without a JSON schema ({} chars): it is not a JSON object", s.length());
            } catch (JsonProcessingException e) {
                log.warn("Generating without a JSON schema ({} chars): it is not valid JSON: {}",
                        s.length(), e.getOriginalMessage());
            }
            return Optional.empty();
        }).orElse(null);
    }

    /** New calls are refused; calls in flight run to their end. The JDK 17 client has nothing to close. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            log.info("Closed OpenAI-compatible engine for {}", chatCompletions);
        }
    }

    @Override
    public String toString() {
        return "OpenAiEngine[" + options.model() + " at " + chatCompletions + "]";
    }

    static String head(String s) {
        String oneLine = s.strip();
        return oneLine.length() <= ERROR_BODY_CHARS ? oneLine : oneLine.substring(0, ERROR_BODY_CHARS) + "...";
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * One call's stream. The HTTP client's threads feed it lines; the caller waits on {@link #done},
     * and after a timeout reads what came so far while a line may still be arriving, hence the lock.
     * Subscriptions are cancelled outside the lock, so that the client's own locks are never taken
     * while holding it.
     */
    private final class SseStream implements Flow.Subscriber<String> {

        /** Completes at {@code [DONE]} or the deadline; fails with an {@link InferenceException}. */
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final long start;
        private final StringBuilder text = new StringBuilder();
        private Flow.Subscription subscription;
        private Long ttftNanos;
        private long e2eNanos;
        private String finishReason;
        private JsonNode usage;
        private JsonNode timings;
        private boolean expired;

        SseStream(long start) {
            this.start = start;
        }

        BodySubscriber<Void> subscriber(ResponseInfo response) {
            int status = response.statusCode();
            if (status / 100 != 2) {
                return BodySubscribers.mapping(BodySubscribers.ofString(UTF_8), body -> {
                    String message = "POST " + chatCompletions + " answered HTTP " + status + ": "
                            + (body.isBlank() ? "(empty body)" : head(body));
                    // 503: llama-server while it loads a model, a proxy before a restarting server.
                    fail(status == 503 ? new EngineUnavailableException(message) : new InferenceException(message));
                    return null;
                });
            }
            return BodySubscribers.fromLineSubscriber(this, s -> null, UTF_8, null);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            boolean wanted;
            synchronized (this) {
                wanted = !done.isDone();
                if (wanted) {
                    subscription = s;
                }
            }
            if (wanted) {
                s.request(Long.MAX_VALUE);
            } else {
                s.cancel();
            }
        }

        @Override
        public void onNext(String line) {
            InferenceException failure;
            synchronized (this) {
                if (done.isDone()) {
                    return;
                }
                try {
                    accept(line);
                    return;
                } catch (InferenceException e) {
                    failure = e;
                }
            }
            fail(failure);
        }

        @Override
        public void onError(Throwable t) {
            fail(broken(describe(unwrap(t)), t));
        }

        @Override
        public void onComplete() {
            fail(broken("it ended before data: [DONE]", null));
        }

        /** The exchange failed: before the headers a connection problem, after them a broken stream. */
        void transportFailed(Throwable failure) {
            Throwable t = unwrap(failure);
            if (t instanceof CancellationException) {
                return; // we cancelled it, after settling the outcome
            }
            boolean streaming;
            synchronized (this) {
                streaming = subscription != null;
            }
            if (streaming) {
                fail(broken(describe(t), t));
            } else if (t instanceof HttpConnectTimeoutException) {
                fail(new EngineUnavailableException("Cannot connect to " + chatCompletions + ": no connection within "
                        + options.connectTimeout().toMillis() + " ms", t));
            } else if (t instanceof ConnectException) {
                fail(new EngineUnavailableException("Cannot connect to " + chatCompletions + ": "
                        + (t.getMessage() == null ? "connection refused" : t.getMessage())
                        + " (is the server running?)", t));
            } else if (t instanceof IOException) {
                // Before any response: the connection was reset or closed, as by a server going down.
                fail(new EngineUnavailableException("The request to " + chatCompletions + " failed: " + describe(t), t));
            } else {
                fail(new InferenceException("Unexpected failure calling " + chatCompletions + ": " + describe(t), t));
            }
        }

        /** The connection ended mid-stream: the server went away (or restarted), not the job's fault. */
        private synchronized InferenceException broken(String why, Throwable cause) {
            return new EngineUnavailableException("The stream from " + chatCompletions + " broke off after "
                    + text.length() + " chars of reply: " + why, cause);
        }

        /** Handles one line; the caller holds the lock. */
        private void accept(String line) throws InferenceException {
            if (line.isEmpty() || line.startsWith(":")) {
                return; // the blank line between events, or a comment (keep-alive)
            }
            if (line.startsWith("data:")) {
                data(line.substring(line.startsWith("data: ") ? 6 : 5));
            } else if (line.startsWith("error:")) { // llama-server's event for a failure mid-generation
                throw new InferenceException("The server reported an error mid-stream: " + head(line.substring(6)));
            } else if (!line.startsWith("event:") && !line.startsWith("id:") && !line.startsWith("retry:")) {
                // The line may hold generated text, so its content goes to DEBUG only.
                log.debug("Not an SSE line from {}: {}", chatCompletions, head(line));
                throw new InferenceException("The response from " + chatCompletions
                        + " is not a stream of Server-Sent Events: it has a line of " + line.length() + " chars"
                        + (line.startsWith("{") ? " that looks like a whole JSON reply (was stream=true ignored?)" : "")
                        + "; the line is logged at DEBUG");
            }
        }

        private void data(String payload) throws InferenceException {
            long now = System.nanoTime();
            if (payload.strip().equals("[DONE]")) {
                e2eNanos = now - start;
                done.complete(null);
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(payload);
            } catch (JsonProcessingException e) {
                log.debug("Malformed data line from {}: {}", chatCompletions, head(payload));
                throw new InferenceException("The stream from " + chatCompletions + " broke off after " + text.length()
                        + " chars of reply: a malformed data line of " + payload.length() + " chars ("
                        + e.getOriginalMessage() + "); the line is logged at DEBUG", e);
            }
            if (chunk == null || !chunk.isObject()) {
                throw new InferenceException("The stream from " + chatCompletions
                        + " has a data line that is not a JSON object but " + (chunk == null ? "empty" : chunk.getNodeType()));
            }
            JsonNode error = chunk.get("error");
            if (error != null && !error.isNull()) {
                String message = error.path("message").asText("");
                throw new InferenceException("The server reported an error mid-stream: "
                        + head(message.isEmpty() ? error.toString() : message));
            }
            JsonNode choices = chunk.path("choices");
            if (choices.isArray() && !choices.isEmpty()) {
                JsonNode choice = choices.get(0);
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    if (ttftNanos == null) {
                        ttftNanos = now - start;
                    }
                    text.append(content.asText());
                }
                JsonNode reason = choice.get("finish_reason");
                if (reason != null && reason.isTextual()) {
                    finishReason = reason.asText();
                }
            }
            JsonNode u = chunk.get("usage");
            if (u != null && u.isObject()) {
                usage = u;
            }
            JsonNode t = chunk.get("timings");
            if (t != null && t.isObject()) {
                timings = t;
            }
        }

        private void fail(InferenceException e) {
            Flow.Subscription s;
            synchronized (this) {
                if (!done.completeExceptionally(e)) {
                    return;
                }
                s = subscription;
            }
            if (s != null) {
                s.cancel();
            }
        }

        /** Ends the stream at the deadline; false when it had already ended by itself. */
        boolean expire(long now) {
            Flow.Subscription s;
            synchronized (this) {
                if (done.isDone()) {
                    return false;
                }
                expired = true;
                e2eNanos = now - start;
                done.complete(null);
                s = subscription;
            }
            if (s != null) {
                s.cancel(); // closes the connection, which stops the server generating
            }
            return true;
        }

        synchronized boolean sawUsage() {
            return usage != null;
        }

        synchronized Completion completion(boolean grammarApplied) {
            FinishReason reason;
            if (expired) {
                reason = FinishReason.TIMEOUT;
            } else if ("length".equals(finishReason)) {
                reason = FinishReason.LENGTH;
            } else {
                if (finishReason != null && !"stop".equals(finishReason)) {
                    log.debug("Reporting finish_reason {} as stop", finishReason);
                }
                reason = FinishReason.STOP;
            }
            int promptTokens = usage == null ? 0 : usage.path("prompt_tokens").asInt(0);
            int completionTokens = usage == null ? 0 : usage.path("completion_tokens").asInt(0);
            return new Completion(text.toString(), promptTokens, completionTokens, reason, ttftNanos, e2eNanos,
                    grammarApplied, engineTimings());
        }

        /** llama-server's own account, when it sent one with every field this needs. */
        private EngineTimings engineTimings() {
            if (timings == null || !timings.path("prompt_n").isNumber() || !timings.path("predicted_n").isNumber()) {
                return null;
            }
            return new EngineTimings(timings.path("cache_n").asInt(0), timings.path("prompt_n").asInt(),
                    timings.path("prompt_ms").asDouble(0), timings.path("predicted_n").asInt(),
                    timings.path("predicted_ms").asDouble(0));
        }
    }
}
