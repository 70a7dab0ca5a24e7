package io.evalpipe.launch;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.models.ModelFileException;
import io.evalpipe.worker.ModelIdentity;
import io.evalpipe.producer.PromptFileException;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Checks a command makes before it starts a broker, loads a model or sends a record, so that a
 * mistake costs one line (exit 2) rather than a run: the other checks live with their options
 * ({@link KafkaOptions#check}, {@link EngineOptions#precheck}, {@link Schemas}).
 */
public final class Preflight {
    private Preflight() {}

    /**
     * The reports folder exists (created if need be) and this user can create files in it: found out
     * only after every prompt ran, it would cost the run.
     */
    public static void writableFolder(Path folder, String option) {
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".evalpipe-write-check-", ".tmp");
            Files.delete(probe);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(ExitCode.USAGE, option + " " + folder + " is not a folder: " + e.getFile() + " is a file");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, option + " " + folder + " is not writable: " + reason(e));
        }
    }

    /** Why a file operation failed, in words: "permission denied (/x/y)", not the exception's class. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs) {
            String why = fs instanceof AccessDeniedException ? "permission denied"
                    : fs instanceof NoSuchFileException ? "no such file or folder"
                    : fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
            return why + " (" + fs.getFile() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Every job of the set fits in one Kafka record ({@code max.request.size} of the client settings,
     * Kafka's 1 MiB by default): a larger one would fail at send, after everything had started.
     *
     * @param runId the run's id or one of the same length: it is part of every job
     */
    public static void recordSizes(PromptSet set, String runId, GenerationParams params, Properties kafka) {
        int limit;
        try {
            limit = RunProducer.recordLimit(kafka, RunProducer.DEFAULT_MAX_MESSAGE_BYTES);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.USAGE, "max.request.size in the Kafka client settings is not a number: " + e.getMessage());
        }
        try {
            PromptSetReader.checkRecordSize(set, runId, params, limit);
        } catch (PromptFileException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** The prompt file, read and checked whole; a mistake ends the command with exit 2 and FILE:LINE. */
    public static PromptSet readPrompts(Path file) {
        try {
            return PromptSetReader.read(file);
        } catch (PromptFileException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** Names the model by content; a missing or corrupt file ends the command with exit 3 and one line. */
    public static ModelInfo describeModel(Path model) {
        if (!Files.isRegularFile(model)) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "model file " + model + " does not exist");
        }
        try {
            return ModelIdentity.of(model);
        } catch (ModelFileException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }
}
