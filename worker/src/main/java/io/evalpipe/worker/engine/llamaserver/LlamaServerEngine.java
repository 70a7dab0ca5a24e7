package io.evalpipe.worker.engine.llamaserver;

import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineCrashException;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.EngineUnavailableException;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.InferenceException;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.engine.OpenAiEngine;
import io.evalpipe.worker.engine.OpenAiOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generations on llama.cpp's official {@code llama-server}, started by this worker as its own
 * child process and spoken to over loopback with the streaming OpenAI API ({@link OpenAiEngine}).
 *
 * <p>Why a child process: a current llama.cpp runs every current model (the in-process binding is
 * pinned to b4916, March 2025), official builds exist for CUDA and other backends, and whatever a
 * prompt does to llama.cpp, the worker survives it. The worker's options map onto the server's flags
 * ({@link ServerArguments}), so a run means the same on either engine.
 *
 * <ul>
 *   <li><b>Private</b>: 127.0.0.1 on a port picked per start, with an API key made per start and
 *       passed in the environment.
 *   <li><b>Supervised</b> ({@link Supervisor}): a server that dies is started again with back-off.
 *       The jobs it was running fail with {@link EngineCrashException} (its last log lines attached);
 *       jobs that come while it restarts wait up to {@link #RESTART_WAIT}, then get an {@link
 *       EngineUnavailableException}, so the worker hands them back instead of failing them.
 *   <li><b>Tokens are the server's</b>: its usage and its {@code timings} (cached and evaluated prompt
 *       tokens, prefill and decode time) travel with each completion; TTFT and E2E stay the worker's
 *       own, measured as for every engine.
 * </ul>
 */
public final class LlamaServerEngine implements InferenceEngine {
    private static final Logger log = LoggerFactory.getLogger(LlamaServerEngine.class);
    /** How long a job waits for a restarting server before it is handed back. */
    static final Duration RESTART_WAIT = Duration.ofSeconds(10);
    /** A job's stream breaking is a crash when the process is found ended within this time. */
    private static final long CRASH_CHECK_MILLIS = 2_000;
    private static final String MODEL_NAME = "model";

    private final Supervisor supervisor;
    private final EngineInfo info;
    /** One HTTP client per server generation: each start has its own port and key. */
    private final Map<Integer, OpenAiEngine> clients = new ConcurrentHashMap<>();

    private LlamaServerEngine(Supervisor supervisor, EngineInfo info) {
        this.supervisor = supervisor;
        this.info = info;
    }

    /**
     * Starts llama-server on the model and returns once it serves.
     *
     * @param loadTimeout how long loading may take (minutes for a large model)
     * @throws LlamaServerException when the server cannot load the model (its own reason in the
     *     message), or {@code --device gpu} is asked of a build without a GPU backend
     */
    public static LlamaServerEngine start(LlamaServerBinary binary, Path model, LlamaCppOptions options, Duration loadTimeout) {
        String backend = "cpu";
        if ("gpu".equals(options.device())) {
            List<String> devices = binary.devices();
            if (devices.isEmpty()) {
                throw new LlamaServerException("device gpu asked for, but " + binary.describe() + " at " + binary.path()
                        + " lists no GPU device (a CPU-only build, or no driver): use a CUDA build such as the evalpipe GPU image");
            }
            backend = devices.get(0).toLowerCase().startsWith("cuda") ? "cuda" : devices.get(0).split(":")[0].toLowerCase();
        }
        long t0 = System.nanoTime();
        Supervisor supervisor = Supervisor.start(binary, model, options, loadTimeout);
        long loadMillis = (System.nanoTime() - t0) / 1_000_000;
        log.info("{} serves {} on {} after {} ms: {} threads, {} slot(s) of {} tokens, flash attention {}",
                binary.describe(), model.getFileName(), backend, loadMillis, options.threads(), options.parallel(),
                options.contextSize(), options.flashAttention() ? "on" : "off");
        return new LlamaServerEngine(supervisor, new EngineInfo("llama-server", backend, binary.describe(),
                options.threads(), loadMillis, options.contextSize()));
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public Completion complete(CompletionRequest request) throws InferenceException {
        Supervisor.Serving s = supervisor.awaitServing(RESTART_WAIT);
        OpenAiEngine client = clients.computeIfAbsent(s.generation(), g -> {
            clients.keySet().removeIf(old -> old < g);
            return new OpenAiEngine(new OpenAiOptions(s.process().endpoint(), MODEL_NAME, s.process().apiKey, null, info.backend()));
        });
        try {
            return client.complete(request);
        } catch (InferenceException e) {
            // A broken stream may be the process dying: give it a moment to be seen as ended. An answer
            // with an error came from a living server, which is only checked as it is.
            if (s.process().ended(e instanceof EngineUnavailableException ? CRASH_CHECK_MILLIS : 0)) {
                throw new EngineCrashException("llama-server (pid " + s.process().process.pid() + ") ended while running the job ("
                        + s.process().howItEnded() + ")", s.process().log.tail());
            }
            throw e;
        }
    }

    /** The process serving now, for tests that look at the server itself. */
    Supervisor.Serving serving() throws EngineUnavailableException {
        return supervisor.awaitServing(RESTART_WAIT);
    }

    /** Stops the server: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        supervisor.close();
        clients.values().forEach(OpenAiEngine::close);
        log.info("Stopped llama-server");
    }

    @Override
    public String toString() {
        return "LlamaServerEngine[" + info.build() + "]";
    }
}
