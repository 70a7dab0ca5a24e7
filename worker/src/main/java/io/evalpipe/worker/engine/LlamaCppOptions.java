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
 * @param device        {@code cpu} or {@code gpu}; {@code gpu} is refused unless the loaded native
 *                      library has a GPU backend (see {@link NativeBackend})
 * @param cpuRange      pin inference threads to these cores, {@code lo-hi} inclusive (llama.cpp's
 *                      {@code --cpu-range} with {@code --cpu-strict}); null leaves placement to the OS
 * @param mainGpu       the GPU for the whole model when not split; null is llama.cpp's default (0)
 * @param devices       comma-separated llama.cpp device names to use (e.g. {@code CUDA0,CUDA1}); null: all
 * @param flashAttention llama.cpp's flash attention ({@code --flash-attn}), off by default. All slots
 *                      share one KV cache; without it every slot's attention runs over every slot's
 *                      cells, masked, so K slots make each step cost about K times the attention, while
 *                      the flash-attention kernel skips masked cells. Measured with interview prompts,
 *                      4 slots against 1 (medians of 3, BENCHMARKS.md): small synthetic model 0.76x
 *                      without, 1.06x with; tiny 0.38x and 0.85x. It is off because it cost
 *                      reproducibility: with it, greedy replies in parallel slots differed from one at a
 *                      time (1 of 8 prompts, from token 35, tiny synthetic model), presumably because
 *                      how the slots' tokens interleave in the cache changes the order the kernel sums in.
 * @param promptCache   reuse the cached prefix a request shares with the slot's previous one (on by
 *                      default, as in llama.cpp). Off only for measuring prefill, which a cache hit skips.
 */
public record LlamaCppOptions(int threads, int contextSize, int parallel, int gpuLayers, boolean nativeLogging,
                              String device, String cpuRange, Integer mainGpu, String devices, boolean flashAttention,
                              boolean promptCache) {

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
        if (!"cpu".equals(device) && !"gpu".equals(device)) {
            throw new IllegalArgumentException("device must be cpu or gpu, not " + device);
        }
        if (cpuRange != null) {
            int[] range = parseCpuRange(cpuRange);
            if (threads > range[1] - range[0] + 1) {
                throw new IllegalArgumentException("threads (" + threads + ") exceed the cores of cpu range " + cpuRange
                        + ": pinned threads would share cores and run slower");
            }
        }
    }

    /** @return {lo, hi} of a {@code lo-hi} core range */
    public static int[] parseCpuRange(String range) {
        var m = java.util.regex.Pattern.compile("(\\d{1,4})-(\\d{1,4})").matcher(range);
        if (!m.matches() || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
            throw new IllegalArgumentException("cpu range must look like 0-3 (first and last core), not " + range);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** CPU only, one slot, {@value #DEFAULT_CONTEXT_SIZE} tokens, one core left free, native log off, prompt cache on. */
    public static LlamaCppOptions defaults() {
        return builder().build();
    }

    /** {@code availableProcessors - 1}, at least 1. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** Starts from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts from these options: the one way to change some and keep the rest. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.threads = threads;
        b.contextSize = contextSize;
        b.parallel = parallel;
        b.gpuLayers = gpuLayers;
        b.nativeLogging = nativeLogging;
        b.device = device;
        b.cpuRange = cpuRange;
        b.mainGpu = mainGpu;
        b.devices = devices;
        b.flashAttention = flashAttention;
        b.promptCache = promptCache;
        return b;
    }

    /** Builds options; {@link #build} checks them as the constructor does. */
    public static final class Builder {
        private int threads = defaultThreads();
        private int contextSize = DEFAULT_CONTEXT_SIZE;
        private int parallel = 1;
        private int gpuLayers;
        private boolean nativeLogging;
        private String device = "cpu";
        private String cpuRange;
        private Integer mainGpu;
        private String devices;
        private boolean flashAttention;
        private boolean promptCache = true;

        private Builder() {}

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder contextSize(int contextSize) {
            this.contextSize = contextSize;
            return this;
        }

        public Builder parallel(int parallel) {
            this.parallel = parallel;
            return this;
        }

        public Builder gpuLayers(int gpuLayers) {
            this.gpuLayers = gpuLayers;
            return this;
        }

        public Builder nativeLogging(boolean nativeLogging) {
            this.nativeLogging = nativeLogging;
            return this;
        }

        /** Where and on which cores or GPUs to run: {@code cpu} or {@code gpu}, a core range, the main GPU, device names. */
        public Builder placement(String device, String cpuRange, Integer mainGpu, String devices) {
            this.device = device;
            this.cpuRange = cpuRange;
            this.mainGpu = mainGpu;
            this.devices = devices;
            return this;
        }

        public Builder flashAttention(boolean flashAttention) {
            this.flashAttention = flashAttention;
            return this;
        }

        public Builder promptCache(boolean promptCache) {
            this.promptCache = promptCache;
            return this;
        }

        public LlamaCppOptions build() {
            return new LlamaCppOptions(threads, contextSize, parallel, gpuLayers, nativeLogging, device, cpuRange, mainGpu,
                    devices, flashAttention, promptCache);
        }
    }
}
