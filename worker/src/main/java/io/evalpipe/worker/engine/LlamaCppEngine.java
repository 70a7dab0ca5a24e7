package io.evalpipe.worker.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.models.GgufFile;
import io.evalpipe.models.ModelFileException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a GGUF model in-process with llama.cpp, through the de.kherud:llama binding (which embeds
 * llama.cpp's HTTP server core, without HTTP: requests go to a queue served by one native thread).
 *
 * <p>Why it is built the way it is (each point measured on de.kherud:llama 4.2.0, llama.cpp build
 * 4916):
 *
 * <ul>
 *   <li><b>The model file is checked in Java first.</b> {@link GgufFile#read} runs before any native
 *       code, so a missing, truncated or non-GGUF file is a {@link ModelFileException} with a plain
 *       sentence, not a generic native error or a crashed JVM; so is an architecture b4916 does not
 *       know ({@link BundledArchitectures}), with a pointer to the llama-server engine.
 *   <li><b>Every prompt is checked against the vocabulary before it is tokenized</b> ({@link
 *       VocabularyCoverage}): with a vocabulary that lacks byte fallback, one character it has no
 *       piece for makes b4916's tokenizer throw a C++ exception the binding does not catch, which
 *       aborts the JVM. Such a prompt is refused with an {@link InferenceException} naming the
 *       character instead.
 *   <li><b>Chat messages are rendered here</b> with {@link LlamaModel#applyTemplate(String)}, using
 *       the model's own template: {@code InferenceParameters.setMessages} is ignored by completion
 *       requests, and it rejects any role but user and assistant besides. A model without a template
 *       gets llama.cpp's fallback, ChatML. Jinja rendering is left off: with it, a template that calls
 *       {@code raise_exception} (e.g. Llama 2's "roles must alternate") aborts the whole JVM, while
 *       the built-in renderer handles every known template family and falls back to ChatML for the
 *       rest.
 *   <li><b>A JSON schema goes in the request's {@code json_schema} field</b>, not through {@link
 *       LlamaModel#jsonSchemaToGrammar}: that static method aborts the JVM on any schema it cannot
 *       convert (an unknown type, a dangling {@code $ref}), while the request field runs the same
 *       converter inside the binding's error handling, so a bad schema becomes an exception here and
 *       the request is retried without it. The binding has no setter for that field, so it is set
 *       through reflection; if a future binding removes the field, the engine falls back to
 *       {@code jsonSchemaToGrammar} and says so at load. (A bad grammar given directly is silently
 *       ignored by llama.cpp, which is why the grammar is never built by hand.)
 *   <li><b>Timeouts and interrupts are checked between tokens</b>, and cancel through {@link
 *       LlamaIterator#cancel}, which frees the slot at once (an interrupt is how a stopping worker
 *       hands its jobs back). A blocked receive cannot be interrupted (cancelling a task
 *       another thread is waiting on leaves that thread waiting forever), so a prompt still being
 *       read when the deadline passes is cancelled at its first token.
 *   <li><b>Concurrent calls are safe</b>: the binding's queues are locked, and llama.cpp batches
 *       {@code parallel} slots together. A fair semaphore of {@code parallel} permits admits callers,
 *       so waiting happens in Java, where the request's deadline applies and where waiting threads
 *       are not woken by every token of the others' generations.
 *   <li><b>Completion tokens are the tokens decoded</b>: the binding streams text only, without
 *       token ids, stop reason or counts, but it sends one message per decoded token (and a final
 *       one), so the messages before the final one are counted. Re-tokenizing the reply instead
 *       undercounts: under a grammar 57-61 came back where 64 were decoded. (When a stop string's
 *       prefix holds text back, llama.cpp merges the held tokens into one message, so with stop
 *       strings the count can be low by those few.) {@code promptTokens} is the rendered prompt's
 *       length plus the BOS token llama.cpp adds. The finish reason is inferred: LENGTH when max
 *       tokens were decoded.
 * </ul>
 *
 * <p>Lifecycle: load one engine per process and share it. Two models loaded in one process are
 * not reliably isolated by the binding: after one had served sampled requests, the other's greedy
 * replies changed in about one run in four (measured with the same file loaded twice), so a second
 * load logs a warning. {@link #close} frees little: the binding neither joins its native thread nor
 * reliably frees the model, and that thread keeps the JVM alive, so a program that used this engine
 * ends with {@link System#exit}.
 */
public final class LlamaCppEngine implements InferenceEngine {

    private static final Logger log = LoggerFactory.getLogger(LlamaCppEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /** The binding's request map, for {@code json_schema}; null when this binding has no such field. */
    private static final Field REQUEST_FIELDS = requestFields();

    /** Engines loaded and not closed in this process; more than one is unsafe, see the class comment. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final LlamaModel model;
    private final GgufFile file;
    private final LlamaCppOptions options;
    private final EngineInfo info;
    private final boolean addsBos;
    private final VocabularyCoverage vocabulary;
    private final Semaphore slots;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Schema text to its compact form, or to a failure reason; schemas are few and reused. */
    private final Map<String, SchemaState> schemas = new ConcurrentHashMap<>();

    private record SchemaState(String compact, String failure) {}

    /** @param backend what {@link NativeBackend#detect()} found: the binding cannot say itself */
    private LlamaCppEngine(LlamaModel model, GgufFile file, LlamaCppOptions options, String backend, NativeLibrary library,
                           long loadMillis) {
        this.model = model;
        this.file = file;
        this.options = options;
        this.info = new EngineInfo("llamacpp", backend, NativeBackend.build(library), options.threads(), loadMillis,
                options.contextSize());
        this.addsBos = file.getBoolean("tokenizer.ggml.add_bos_token")
                .orElse("llama".equals(file.getString("tokenizer.ggml.model").orElse("")));
        this.vocabulary = VocabularyCoverage.of(file);
        this.slots = new Semaphore(options.parallel(), true);
        if (!vocabulary.complete()) {
            log.warn("The vocabulary of {} has no byte-fallback tokens: prompts with a character it has no piece for"
                    + " are refused (llama.cpp {} would abort on them)", file.name(), BundledArchitectures.BUILD);
        }
    }

    /**
     * Checks the file, then loads it into llama.cpp.
     *
     * @throws ModelFileException when the file is missing, is not a whole GGUF file, or llama.cpp
     *     rejects it
     */
    public static LlamaCppEngine load(Path modelPath, LlamaCppOptions options) {
        return load(modelPath, options, NativeBackend.configured());
    }

    /**
     * As {@link #load(Path, LlamaCppOptions)}, with the native library to load it with ({@link
     * NativeLibrary#choose}); a process loads one library for its whole life.
     */
    public static LlamaCppEngine load(Path modelPath, LlamaCppOptions options, NativeLibrary library) {
        GgufFile gguf = precheck(modelPath);
        NativeBackend.use(library);
        NativeBackend.useOwnExtractFolder();
        String backend = NativeBackend.detect();
        if ("gpu".equals(options.device()) && !"cuda".equals(backend)) {
            throw new IllegalStateException("device gpu asked for, but the llama.cpp library in use has no GPU backend"
                    + " (the stock de.kherud:llama jar is CPU-only): build one with scripts/build-native-jllama.sh -DGGML_CUDA=ON and"
                    + " pass its folder with --native-lib");
        }
        if (REQUEST_FIELDS == null) {
            log.warn("This llama binding has no request field map: JSON schemas go through jsonSchemaToGrammar, "
                    + "which aborts the JVM on a schema llama.cpp cannot convert");
        }
        ModelParameters params = new ModelParameters()
                .setModel(modelPath.toAbsolutePath().toString())
                .setThreads(options.threads())
                .setCtxSize(options.contextSize() * options.parallel())
                .setParallel(options.parallel());
        if (options.gpuLayers() > 0) { // even "0" makes a CPU-only build print a GPU warning
            params.setGpuLayers(options.gpuLayers());
        }
        if (options.mainGpu() != null) {
            params.setMainGpu(options.mainGpu());
        }
        if (options.devices() != null) {
            params.setDevices(options.devices());
        }
        if (options.cpuRange() != null) {
            // Strict placement: one thread per core of the range, so pools on one host do not share cores.
            params.setCpuRange(options.cpuRange()).setCpuStrict(1)
                    .setCpuRangeBatch(options.cpuRange()).setCpuStrictBatch(1);
        }
        if (options.flashAttention()) {
            params.enableFlashAttn();
        }
        if (!options.nativeLogging()) {
            params.disableLog();
        }
        long t0 = System.nanoTime();
        LlamaModel model;
        try {
            model = new LlamaModel(params);
        } catch (RuntimeException e) {
            throw new ModelFileException(
                    modelPath,
                    "could not be loaded by llama.cpp (" + e.getMessage() + ")"
                            + (options.nativeLogging() ? "" : "; turn on native logging to see why"),
                    e);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("The llama.cpp native library cannot be loaded on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": " + e.getMessage(), e);
        }
        NativeBackend.loaded = true;
        try {
            NativeBackend.verifyLoaded(library);
        } catch (IllegalStateException e) {
            model.close();
            throw e;
        }
        long loadMillis = (System.nanoTime() - t0) / 1_000_000;
        if (OPEN.getAndIncrement() > 0) {
            log.warn("Another llama.cpp model is already loaded in this process: the binding does not isolate "
                    + "them reliably and replies may change; load one model per process and share its engine");
        }
        log.info("Loaded {} ({}, {} parameters{}) in {} ms on backend {} (device {}{}): {} threads, {} slot(s) of {} tokens,"
                        + " flash attention {}; llama.cpp library: {}",
                gguf.name(), gguf.architecture(), gguf.parameterCount(), gguf.isSynthetic() ? ", synthetic" : "",
                loadMillis, backend, options.device(), options.cpuRange() == null ? "" : ", cores " + options.cpuRange(),
                options.threads(), options.parallel(), options.contextSize(), options.flashAttention() ? "on" : "off",
                library.description());
        return new LlamaCppEngine(model, gguf, options, backend, library, loadMillis);
    }

    /**
     * Reads the model's header and checks that this engine can load it, without loading any native
     * code: cheap enough to run before a broker is started.
     *
     * @throws ModelFileException when the file is missing, is not a whole GGUF file, or has an
     *     architecture the bundled llama.cpp does not know
     */
    public static GgufFile precheck(Path modelPath) {
        GgufFile gguf = GgufFile.read(modelPath);
        BundledArchitectures.check(gguf);
        return gguf;
    }

    /** The header of the loaded file, for lineage: name, architecture, synthetic or not. */
    public GgufFile modelFile() {
        return file;
    }

    public LlamaCppOptions options() {
        return options;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    /**
     * The prompt text the model reads for these messages: the model's chat template (or ChatML when
     * it has none) with the assistant's turn opened.
     */
    public String renderPrompt(List<ChatMessage> messages) throws InferenceException {
        if (messages.isEmpty()) {
            throw new InferenceException("Cannot render an empty conversation");
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("messages");
        for (ChatMessage m : messages) {
            if (m.role() == null || m.content() == null) {
                throw new InferenceException("A chat message needs a role and content: " + m);
            }
            list.addObject().put("role", Utf16.wellFormed(m.role())).put("content", Utf16.wellFormed(m.content()));
        }
        body.put("add_generation_prompt", true);
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return model.applyTemplate(body.toString());
        } catch (RuntimeException e) {
            throw new InferenceException("llama.cpp could not apply the chat template: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Tokens the model's tokenizer makes of {@code text}, special tokens parsed, no BOS added. */
    public int countTokens(String text) throws InferenceException {
        if (text.isEmpty()) {
            return 0;
        }
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return model.encode(Utf16.wellFormed(text)).length;
        } catch (RuntimeException e) {
            throw new InferenceException("llama.cpp could not tokenize: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@code timeoutMs} of 0 or less means no limit. Fields the request leaves null take
     * {@link GenerationParams#DEFAULTS}. A prompt that does not fit a slot's context is refused
     * rather than passed on: llama.cpp would silently drop part of it and answer anyway.
     */
    @Override
    public Completion complete(CompletionRequest request) throws InferenceException {
        GenerationParams p = GenerationParams.DEFAULTS.overriddenBy(request.params());
        if (p.maxTokens() < 1) {
            throw new InferenceException("maxTokens must be at least 1, not " + p.maxTokens());
        }
        String prompt = renderPrompt(request.messages());
        var unencodable = vocabulary.firstUnencodable(prompt);
        if (unencodable.isPresent()) {
            throw new InferenceException("The prompt cannot be tokenized: " + VocabularyCoverage.describe(unencodable.get()));
        }
        int promptTokens = promptTokens(prompt);
        if (promptTokens >= options.contextSize()) {
            throw new InferenceException("The prompt is " + promptTokens + " tokens but a slot's context holds "
                    + options.contextSize() + ": raise the context size");
        }
        long start = System.nanoTime();
        long timeoutMs = p.timeoutMs();
        long deadline = timeoutMs > 0 ? start + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : NO_DEADLINE;

        String schema = request.jsonSchema() == null ? null : compactSchema(request.jsonSchema());
        Generation g;
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            if (!acquireSlot(deadline)) {
                long e2e = System.nanoTime() - start;
                log.debug("Timed out after {} ms waiting for a free slot", e2e / 1_000_000);
                return new Completion("", promptTokens, 0, FinishReason.TIMEOUT, null, e2e, false);
            }
            try {
                g = generate(prompt, p, schema, start, deadline);
                if (g == null) { // the schema was rejected by llama.cpp: once more without it
                    g = generate(prompt, p, null, start, deadline);
                }
            } finally {
                slots.release();
            }
        } finally {
            lifecycle.readLock().unlock();
        }

        int completionTokens = g.streamedTokens;
        FinishReason reason;
        if (g.timedOut) {
            reason = FinishReason.TIMEOUT;
        } else if (completionTokens >= p.maxTokens()) {
            reason = FinishReason.LENGTH;
        } else {
            reason = FinishReason.STOP;
        }
        log.debug("Completion: {} prompt tokens, {} completion tokens, {}, ttft {} ms, e2e {} ms",
                promptTokens, completionTokens, reason.wireName(),
                g.ttftNanos == null ? "-" : g.ttftNanos / 1_000_000, g.e2eNanos / 1_000_000);
        return new Completion(g.text, promptTokens, completionTokens, reason, g.ttftNanos, g.e2eNanos, g.grammarApplied);
    }

    private record Generation(
            String text, int streamedTokens, Long ttftNanos, long e2eNanos, boolean timedOut, boolean grammarApplied) {}

    /** One streamed generation; null when llama.cpp rejected the schema (the caller retries without). */
    private Generation generate(String prompt, GenerationParams p, String schema, long start, long deadline)
            throws InferenceException {
        InferenceParameters ip = new InferenceParameters(prompt)
                .setNPredict(p.maxTokens())
                .setTemperature(p.temperature().floatValue())
                .setTopP(p.topP().floatValue())
                .setTopK(p.topK())
                .setRepeatPenalty(p.repeatPenalty().floatValue())
                .setSeed((int) p.seed().longValue()) // llama.cpp seeds are 32 bits
                .setCachePrompt(options.promptCache());
        if (p.stop() != null && !p.stop().isEmpty()) {
            ip.setStopStrings(p.stop().stream().map(Utf16::wellFormed).toArray(String[]::new));
        }
        if (schema != null) {
            if (REQUEST_FIELDS != null) {
                requestFields(ip).put("json_schema", schema);
            } else {
                ip.setGrammar(LlamaModel.jsonSchemaToGrammar(schema));
            }
        }

        LlamaIterator it;
        try {
            it = model.generate(ip).iterator();
        } catch (RuntimeException e) {
            if (schema != null && String.valueOf(e.getMessage()).contains("json_schema")) {
                rejectSchema(schema, e.getMessage());
                return null;
            }
            throw new InferenceException("llama.cpp rejected the request: " + e.getMessage(), e);
        }

        StringBuilder text = new StringBuilder();
        int streamed = 0;
        Long ttft = null;
        boolean timedOut = false;
        boolean finished = false;
        boolean interrupted = false;
        try {
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                long now = System.nanoTime();
                if (!out.text.isEmpty()) {
                    if (ttft == null) {
                        ttft = now - start;
                    }
                    text.append(out.text);
                }
                if (!it.hasNext()) { // the final message: llama.cpp has released the task
                    break;
                }
                streamed++;
                if (deadline != NO_DEADLINE && now - deadline >= 0) {
                    timedOut = true;
                    break;
                }
                if (Thread.currentThread().isInterrupted()) { // the worker stops: give the slot back now
                    interrupted = true;
                    break;
                }
            }
            finished = !timedOut && !interrupted;
        } catch (RuntimeException e) {
            throw new InferenceException("llama.cpp failed during generation: " + e.getMessage(), e);
        } finally {
            if (!finished) {
                it.cancel(); // frees the slot; without it the slot would decode to max tokens
            }
        }
        if (interrupted) {
            throw new InferenceException("Interrupted: the generation was cancelled after " + streamed + " tokens");
        }
        long e2e = System.nanoTime() - start;
        return new Generation(text.toString(), streamed, ttft, e2e, timedOut, schema != null);
    }

    private int promptTokens(String prompt) throws InferenceException {
        return countTokens(prompt) + (addsBos ? 1 : 0);
    }

    private boolean acquireSlot(long deadline) throws InferenceException {
        try {
            if (deadline == NO_DEADLINE) {
                slots.acquire();
                return true;
            }
            return slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("Interrupted while waiting for a llama.cpp slot", e);
        }
    }

    /**
     * The schema as compact JSON, or null (with a WARN, once per schema) when it cannot be used.
     * Only well-formed JSON may reach the binding: it parses the request without error handling, so
     * malformed JSON there aborts the JVM.
     */
    private String compactSchema(String schema) {
        SchemaState state = schemas.computeIfAbsent(schema, s -> {
            try {
                JsonNode node = JSON.readTree(s);
                if (node == null || !(node.isObject() || node.isBoolean())) {
                    return failed(s, "it is not a JSON object");
                }
                return new SchemaState(JSON.writeValueAsString(node), null);
            } catch (JsonProcessingException e) {
                return failed(s, "it is not valid JSON: " + e.getOriginalMessage());
            }
        });
        return state.compact;
    }

    private static SchemaState failed(String schema, String reason) {
        log.warn("Generating without a grammar for a JSON schema ({} chars): {}", schema.length(), reason);
        return new SchemaState(null, reason);
    }

    private void rejectSchema(String compact, String message) {
        schemas.replaceAll((k, v) -> compact.equals(v.compact) ? failed(k, "llama.cpp rejected it: " + message) : v);
    }

    private void ensureOpen() throws InferenceException {
        if (closed.get()) {
            throw new InferenceException("The llama.cpp engine is closed");
        }
    }

    /**
     * Stops taking requests, waits for those in flight, and asks the binding to free the model.
     * The JVM will still not exit by itself afterwards (see the class comment).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OPEN.decrementAndGet();
        lifecycle.writeLock().lock();
        try {
            model.close();
            log.info("Closed llama.cpp engine for {}", file.name());
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static Field requestFields() {
        try {
            Field f = Class.forName("de.kherud.llama.JsonParameters").getDeclaredField("parameters");
            f.setAccessible(true);
            return Map.class.isAssignableFrom(f.getType()) ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> requestFields(InferenceParameters ip) {
        try {
            return (Map<String, String>) REQUEST_FIELDS.get(ip);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "LlamaCppEngine[" + file.name() + ", " + options.threads() + " threads, " + options.parallel() + " slot(s)]";
    }
}
