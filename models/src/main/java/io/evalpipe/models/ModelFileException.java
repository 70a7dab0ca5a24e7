package io.evalpipe.models;

import java.nio.file.Path;

/**
 * A model file cannot be used: missing, not GGUF, truncated, or rejected by llama.cpp.
 *
 * <p>Unchecked because nothing can be retried: the run has to stop and a person has to fix the
 * file, so the message is one sentence that names the file and says what is wrong with it.
 */
public class ModelFileException extends RuntimeException {
    private final transient Path path;

    public ModelFileException(Path path, String problem) {
        this(path, problem, null);
    }

    public ModelFileException(Path path, String problem, Throwable cause) {
        super("Model file " + path + " " + problem, cause);
        this.path = path;
    }

    /** The file the message is about. */
    public Path path() {
        return path;
    }
}
