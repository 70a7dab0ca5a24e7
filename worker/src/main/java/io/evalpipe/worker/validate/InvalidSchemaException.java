package io.evalpipe.worker.validate;

import java.util.List;

/**
 * The schema a run was configured with cannot be used. Unchecked: it is a configuration error that should stop the
 * worker at start-up, not something a caller can recover from per reply.
 */
public final class InvalidSchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> problems;

    public InvalidSchemaException(String source, List<String> problems, Throwable cause) {
        super("invalid JSON schema " + source + ": " + String.join("; ", problems), cause);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public InvalidSchemaException(String source, List<String> problems) {
        this(source, problems, null);
    }

    /** The file (or other name) the schema was read from. */
    public String source() {
        return source;
    }

    public List<String> problems() {
        return problems;
    }
}
