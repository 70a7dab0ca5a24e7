package io.evalpipe.worker.engine;

/**
 * How {@link LlamaCppEngine} runs llama.cpp.
 *
 * @param threads       CPU threads for the maths. The default leaves one core free: on a 2-core
 *                      machine two threads make a small model several times slower, because the
 *                      threads then fight the JVM, Kafka clients and the OS for the same cores.
 * @param contextSize   tokens of context per slot (prompt plus reply); llama.cpp is given
 *                      {@code contextSize * parallel} in total, because it splits its context
 *                      evenly between slots
 * @param parallel      slots: generations llama.cpp decodes at once, batched together; further
 *                      requests wait their turn
 * @param gpuLayers     layers to offload to a GPU; ignored (with a native warning) by a CPU-only
 *                      build such as the one on Maven Central
 * @param nativeLogging let llama.cpp print its own log to stderr. Off by default because it prints
 *                      several lines per request, and it cannot be routed to SLF4J: the binding's
 *                      log callback misses the server's messages. Turn it on to see why a model
 *                      fails to load.
 */
public record LlamaCppOptions(int threads, int contextSize, int parallel, int gpuLayers, boolean nativeLogging) {

    /** Enough for a system prompt of a few hundred tokens, a chat history and a 256-token reply. */
    public static final int DEFAULT_CONTEXT_SIZE = 4096;

    public LlamaCppOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (contextSize < 64) {
            throw new IllegalArgumentException("contextSize must be at least 64 tokens, not " + contextSize);
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1, not " + parallel);
        }
        if (gpuLayers < 0) {
            throw new IllegalArgumentException("gpuLayers must not be negative, not " + gpuLayers);
        }
    }

    /** Native logging off. */
    public LlamaCppOptions(int threads, int contextSize, int parallel, int gpuLayers) {
        this(threads, contextSize, parallel, gpuLayers, false);
    }

    /** CPU only, one slot, {@value #DEFAULT_CONTEXT_SIZE} tokens, one core left free, native log off. */
    public static LlamaCppOptions defaults() {
        return new LlamaCppOptions(defaultThreads(), DEFAULT_CONTEXT_SIZE, 1, 0, false);
    }

    /** {@code availableProcessors - 1}, at least 1. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public LlamaCppOptions withThreads(int threads) {
        return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging);
    }

    public LlamaCppOptions withContextSize(int contextSize) {
        return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging);
    }

    public LlamaCppOptions withParallel(int parallel) {
        return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging);
    }

    public LlamaCppOptions withGpuLayers(int gpuLayers) {
        return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging);
    }

    public LlamaCppOptions withNativeLogging(boolean nativeLogging) {
        return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging);
    }
}
