package io.evalpipe.producer;

import java.nio.file.Path;

/** A prompt file that cannot be enqueued; the message reads {@code FILE:LINE: reason}. */
public class PromptFileException extends Exception {
    private final Path file;
    private final int line;

    public PromptFileException(Path file, int line, String reason) {
        super(line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based; 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
