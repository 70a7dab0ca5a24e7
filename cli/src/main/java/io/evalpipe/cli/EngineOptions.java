package io.evalpipe.cli;

import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.model.ModelFileException;
import io.evalpipe.worker.model.SyntheticModel;
import io.evalpipe.worker.validate.InvalidSchemaException;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What a worker runs and how it judges: the model, its threads and slots, the schema. */
final class EngineOptions {
    @Option(names = "--threads", paramLabel = "N",
            description = "Inference threads. Default: cores - 1, at least 1 (using every core slows small models).")
    Integer threads;

    @Option(names = "--parallel", defaultValue = "1", paramLabel = "K",
            description = "Jobs served at once by one worker, through llama.cpp's parallel slots. Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Option(names = "--ctx-size", defaultValue = "4096", paramLabel = "N",
            description = "Context window per slot, in tokens. Default: ${DEFAULT-VALUE}.")
    int contextSize;

    @Option(names = "--schema", defaultValue = "schemas/interview_chat.schema.json", paramLabel = "FILE",
            description = "JSON Schema every reply is validated against. Default: ${DEFAULT-VALUE}.")
    Path schema;

    @Option(names = "--validation", defaultValue = "strict", paramLabel = "strict|salvage",
            description = "strict: the whole reply must be the JSON; salvage: take the first JSON object in it. Default: ${DEFAULT-VALUE}.")
    String validation;

    ReplyValidator validator() {
        try {
            return ReplyValidator.fromFile(schema);
        } catch (InvalidSchemaException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    ReplyValidator.Mode validationMode() {
        return switch (validation) {
            case "strict" -> ReplyValidator.Mode.STRICT;
            case "salvage" -> ReplyValidator.Mode.SALVAGE;
            default -> throw new CliException(ExitCode.USAGE, "--validation must be strict or salvage, got '" + validation + "'");
        };
    }

    /**
     * Loads the model, or stops the command with exit 3 and one line saying why.
     *
     * @param workersSharing how many workers of this process share the model: each needs its own slots
     */
    LlamaCppEngine load(Path model, int workersSharing) {
        if (!Files.isRegularFile(model)) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "model file " + model + " does not exist");
        }
        try {
            return LlamaCppEngine.load(model, new LlamaCppOptions(
                    threads != null ? threads : LlamaCppOptions.defaultThreads(), contextSize, parallel * workersSharing, 0));
        } catch (ModelFileException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }

    /** Where `run` keeps the synthetic default model, generated once. */
    static Path defaultModel() {
        String override = System.getenv("EVALPIPE_CACHE");
        Path cache = override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".cache", "evalpipe");
        return SyntheticModel.ensure(cache.resolve("models").resolve("synthetic-tiny-seed42.gguf"), SyntheticModel.Size.TINY, 42);
    }
}
