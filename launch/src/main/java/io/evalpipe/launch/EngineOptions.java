package io.evalpipe.launch;

import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.engine.NativeBackend;
import io.evalpipe.worker.engine.NativeLibrary;
import io.evalpipe.worker.engine.OpenAiEngine;
import io.evalpipe.worker.engine.OpenAiOptions;
import io.evalpipe.worker.engine.llamaserver.LlamaServerBinary;
import io.evalpipe.worker.engine.llamaserver.LlamaServerEngine;
import io.evalpipe.worker.engine.llamaserver.LlamaServerException;
import io.evalpipe.models.GgufFile;
import io.evalpipe.models.ModelFileException;
import io.evalpipe.models.SyntheticModel;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * What a worker runs and how it judges: the engine and model, threads and slots, the schema. The option
 * fields are public because the commands that mix them in, and their tests, live in the cli module.
 */
public final class EngineOptions {
    @Option(names = "--engine", defaultValue = "llamacpp", paramLabel = "llamacpp|llama-server|openai",
            description = "llamacpp: in-process llama.cpp (b4916) on --model; llama-server: llama.cpp's own server (any current build) started"
                    + " and supervised by the worker, on --model; openai: an OpenAI-compatible server (llama-server, vLLM, Ollama) at --endpoint."
                    + " Default: ${DEFAULT-VALUE}.")
    public String engine;

    @Option(names = "--model", paramLabel = "FILE.gguf", description = "The GGUF model (engines llamacpp and llama-server).")
    public Path model;

    @Option(names = "--llama-server", paramLabel = "PATH",
            description = "The llama-server executable (engine llama-server). Default: $" + LlamaServerBinary.ENV + ", else llama-server on the PATH.")
    public Path llamaServer;

    @Option(names = "--load-timeout", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long llama-server may take to load the model (engine llama-server). Default: ${DEFAULT-VALUE}.")
    public java.time.Duration loadTimeout;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Base URL of the server (engine openai), e.g. http://127.0.0.1:8080/v1.")
    public String endpoint;

    @Option(names = "--model-name", paramLabel = "NAME", description = "Model name the server knows (engine openai).")
    public String modelName;

    @Option(names = "--api-key-env", defaultValue = "OPENAI_API_KEY", paramLabel = "VAR",
            description = "Environment variable holding the server's API key, if it needs one (engine openai). Default: ${DEFAULT-VALUE}.")
    public String apiKeyEnv;

    @Option(names = "--threads", paramLabel = "N",
            description = "Inference threads. Default: cores - 1, at least 1 (using every core slows small models).")
    public Integer threads;

    @Option(names = "--parallel", defaultValue = "1", paramLabel = "K",
            description = "Jobs served at once by one worker, through llama.cpp's parallel slots. Default: ${DEFAULT-VALUE}.")
    public int parallel;

    @Option(names = "--ctx-size", defaultValue = "4096", paramLabel = "N",
            description = "Context window per slot, in tokens. Default: ${DEFAULT-VALUE}.")
    public int contextSize;

    @Option(names = "--flash-attn",
            description = "llama.cpp flash attention: with --parallel, slots stop paying for each other's attention (faster), but greedy replies"
                    + " then depend on how requests overlapped, so runs are no longer byte-for-byte repeatable. Default: off.")
    public boolean flashAttention;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu",
            description = "Where llama.cpp runs. gpu needs a GPU build of the native library (--native-lib); it is refused otherwise, never silently run on the CPU. Default: ${DEFAULT-VALUE}.")
    public String device;

    @Option(names = "--cpu-range", paramLabel = "LO-HI",
            description = "Pin inference threads to cores LO..HI (strict placement); --threads must not exceed the range.")
    public String cpuRange;

    @Option(names = "--gpu-layers", defaultValue = "0", paramLabel = "N",
            description = "Layers to offload to the GPU (999: all). Default: ${DEFAULT-VALUE}.")
    public int gpuLayers;

    @Option(names = "--main-gpu", paramLabel = "I", description = "GPU index for the model when it is not split.")
    public Integer mainGpu;

    @Option(names = "--devices", paramLabel = "LIST", description = "llama.cpp devices to use, e.g. CUDA0,CUDA1.")
    public String devices;

    @Option(names = "--native-lib", paramLabel = "DIR|bundled",
            description = "Folder with a llama.cpp JNI library to use instead of the jar's (e.g. a CUDA build: scripts/build-native-jllama.sh -DGGML_CUDA=ON),"
                    + " or 'bundled' for the jar's own. Default: a build for this CPU in the evalpipe cache (scripts/build-native-jllama.sh),"
                    + " else the jar's generic one.")
    public String nativeLib;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "JSON Schema every reply is validated against. Default: the built-in interview_chat schema"
                    + " (schemas/interview_chat.schema.json in the repository).")
    public Path schema;

    @Option(names = "--validation", defaultValue = "strict", paramLabel = "strict|salvage",
            description = "strict: the whole reply must be the JSON; salvage: take the first JSON object in it. Default: ${DEFAULT-VALUE}.")
    public String validation;

    /** An engine ready to serve, and the model it serves as the reports will name it. */
    public record Opened(InferenceEngine engine, ModelInfo model) {}

    public ReplyValidator validator() {
        return Schemas.validator(schema);
    }


    public ReplyValidator.Mode validationMode() {
        return switch (validation) {
            case "strict" -> ReplyValidator.Mode.STRICT;
            case "salvage" -> ReplyValidator.Mode.SALVAGE;
            default -> throw new CliException(ExitCode.USAGE, "--validation must be strict or salvage, got '" + validation + "'");
        };
    }

    /** Fails with exit 2 on contradicting options, before anything is loaded or started. */
    public void check(boolean modelOptional) {
        if (parallel < 1) {
            throw new CliException(ExitCode.USAGE, "--parallel must be at least 1");
        }
        if (!engine.equals("openai")) {
            llamaCppOptions(1); // range checks (threads vs cpu range, device) before anything starts
        }
        switch (engine) {
            case "llamacpp", "llama-server" -> {
                if (model == null && !modelOptional) {
                    throw new CliException(ExitCode.USAGE, "--model is required with --engine " + engine);
                }
            }
            case "openai" -> {
                if (endpoint == null || modelName == null) {
                    throw new CliException(ExitCode.USAGE, "--engine openai needs --endpoint and --model-name");
                }
            }
            default -> throw new CliException(ExitCode.USAGE, "--engine must be llamacpp, llama-server or openai, got '" + engine + "'");
        }
        validationMode();
        validator(); // the schema file, read and checked now; the roles read it again when they start
    }

    /**
     * What can be known of the engine without starting it, checked before a broker is started or a job
     * taken, failing with exit 3 and one line: the model file is whole GGUF and, in-process, of an
     * architecture the bundled llama.cpp knows; the llama-server executable runs.
     */
    public void precheck() {
        if (model == null && !engine.equals("openai")) {
            defaultModel(); // generated now, so that an unwritable cache is found before anything starts
        }
        precheck(model);
    }

    /**
     * As {@link #precheck()}, for another model file than {@code --model}: each model of a sweep that
     * varies the model, checked before the first of them is loaded.
     *
     * @param model null for the synthetic default (or no model, engine openai)
     */
    public void precheck(Path model) {
        if (model != null && !engine.equals("openai") && !java.nio.file.Files.isRegularFile(model)) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "model file " + model + " does not exist");
        }
        try {
            switch (engine) {
                case "llamacpp" -> {
                    if (model != null) {
                        LlamaCppEngine.precheck(model);
                    }
                }
                case "llama-server" -> {
                    if (model != null) {
                        GgufFile.read(model);
                    }
                    serverBinary();
                }
                default -> { }
            }
        } catch (ModelFileException | LlamaServerException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }

    private LlamaServerBinary serverBinary() {
        if (resolvedServer == null) {
            resolvedServer = LlamaServerBinary.resolve(llamaServer, System.getenv());
        }
        return resolvedServer;
    }

    private LlamaServerBinary resolvedServer;

    /**
     * Loads the model (or connects nothing yet, for a server), or stops the command with exit 3 and
     * one line saying why. Without --model, `run` uses the synthetic model.
     *
     * @param workersSharing how many workers of this process share the engine: each needs its own slots
     */
    public Opened open(int workersSharing) {
        if (engine.equals("openai")) {
            String key = System.getenv(apiKeyEnv);
            OpenAiOptions options = OpenAiOptions.of(endpoint, modelName);
            LoggerFactory.getLogger(EngineOptions.class).info("OpenAI-compatible engine: model {} at {}", modelName, endpoint);
            return new Opened(new OpenAiEngine(key == null || key.isBlank() ? options : options.withApiKey(key)),
                    new ModelInfo(modelName, null, 0, false));
        }
        LlamaCppOptions options = llamaCppOptions(workersSharing);
        Path file = model != null ? model : defaultModel();
        ModelInfo info = Preflight.describeModel(file);
        if (engine.equals("llama-server")) {
            try {
                return new Opened(LlamaServerEngine.start(serverBinary(), file, options, loadTimeout), info);
            } catch (LlamaServerException e) {
                throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
            }
        }
        NativeLibrary library = nativeLibrary();
        try {
            return new Opened(LlamaCppEngine.load(file, options, library), info);
        } catch (ModelFileException | IllegalStateException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }

    /**
     * These options as {@code evalctl worker} reads them, with {@code model} as its {@code --model}: for a
     * worker process that must run with the settings this command was given. Paths are made absolute,
     * so the worker need not share this process's working folder. EngineOptionsTest reads them back.
     */
    public List<String> workerArguments(Path model) {
        List<String> args = new ArrayList<>(List.of("--engine", engine, "--model", model.toAbsolutePath().toString()));
        add(args, "--llama-server", llamaServer == null ? null : llamaServer.toAbsolutePath());
        add(args, "--load-timeout", loadTimeout.toMillis() + "ms");
        add(args, "--endpoint", endpoint);
        add(args, "--model-name", modelName);
        add(args, "--api-key-env", apiKeyEnv);
        add(args, "--threads", threads);
        add(args, "--parallel", parallel);
        add(args, "--ctx-size", contextSize);
        if (flashAttention) {
            args.add("--flash-attn");
        }
        add(args, "--device", device);
        add(args, "--cpu-range", cpuRange);
        add(args, "--gpu-layers", gpuLayers);
        add(args, "--main-gpu", mainGpu);
        add(args, "--devices", devices);
        add(args, "--native-lib", nativeLib == null || nativeLib.equals(NativeLibrary.BUNDLED) ? nativeLib : Path.of(nativeLib).toAbsolutePath());
        add(args, "--schema", schema == null ? null : schema.toAbsolutePath());
        add(args, "--validation", validation);
        return args;
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }

    /** The in-process engine's library, said once in the log, with what a build for this CPU would gain when there is none. */
    private NativeLibrary nativeLibrary() {
        Set<String> flags = NativeLibrary.cpuFlags();
        NativeLibrary library = NativeLibrary.choose(nativeLib, NativeLibrary.cacheRoot(System.getenv()),
                NativeBackend.bindingVersion(), flags);
        Logger log = LoggerFactory.getLogger(EngineOptions.class);
        if (library.bundled() && nativeLib == null && NativeLibrary.cpuOutgrowsBundled(flags)) {
            log.info("llama.cpp runs from the jar's generic AVX2 build, but this CPU has AVX-512/AMX/AVX-VNNI:"
                    + " scripts/build-native-jllama.sh builds one for it into {} (minutes, once), which workers then use;"
                    + " prompt processing ran about twice as fast with it in BENCHMARKS.md (engines)",
                    NativeLibrary.cacheRoot(System.getenv()).resolve("native"));
        } else {
            log.info("llama.cpp library: {}", library.description());
        }
        return library;
    }

    public LlamaCppOptions llamaCppOptions(int workersSharing) {
        try {
            // Pinned without a thread count: one thread per core of the range.
            int n = threads != null ? threads
                    : cpuRange != null ? LlamaCppOptions.parseCpuRange(cpuRange)[1] - LlamaCppOptions.parseCpuRange(cpuRange)[0] + 1
                    : LlamaCppOptions.defaultThreads();
            return LlamaCppOptions.builder().threads(n).contextSize(contextSize).parallel(parallel * workersSharing)
                    .gpuLayers(gpuLayers).placement(device, cpuRange, mainGpu, devices).flashAttention(flashAttention).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** Where `run` keeps the synthetic default model, generated once (before the broker starts: see {@link #precheck}). */
    public static Path defaultModel() {
        return DefaultModel.synthetic(SyntheticModel.Size.TINY);
    }
}
