package io.evalpipe.launch;

import io.evalpipe.worker.validate.InvalidSchemaException;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The reply schema of every command that validates: a file, or the built-in interview_chat schema. */
public final class Schemas {
    private Schemas() {}

    /**
     * The schema file's validator, or the built-in interview_chat schema for {@code null} (the jar's
     * copy, so the current folder does not matter).
     *
     * @throws CliException exit 2 with one line when the file cannot be read or is not a valid schema
     */
    public static ReplyValidator validator(Path schemaFile) {
        try {
            return schemaFile == null ? ReplyValidator.builtIn() : ReplyValidator.fromFile(schemaFile);
        } catch (InvalidSchemaException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage() + ": " + Preflight.reason(e.getCause()), e);
        }
    }
}
