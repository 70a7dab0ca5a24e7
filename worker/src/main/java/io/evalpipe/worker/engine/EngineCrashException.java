package io.evalpipe.worker.engine;

import java.util.List;

/**
 * The engine's own process ended while it ran this job (a supervised llama-server that died). The
 * result is an {@code engine_crash} error carrying the process's last log lines, so the report says
 * what the engine printed before it went.
 */
public class EngineCrashException extends InferenceException {
    private final List<String> lastLogLines;

    public EngineCrashException(String message, List<String> lastLogLines) {
        super(message);
        this.lastLogLines = List.copyOf(lastLogLines);
    }

    /** The process's output just before it ended, oldest first. */
    public List<String> lastLogLines() {
        return lastLogLines;
    }
}
