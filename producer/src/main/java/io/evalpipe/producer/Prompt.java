package io.evalpipe.producer;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import java.util.List;

/**
 * One line of a prompt file: the prompt's id, its chat messages, and its own parameter overrides.
 *
 * @param line where in its file the prompt was read (1-based), so that a check made later, such as
 *             the record size, can still point at it; 0 for a prompt made in code
 */
public record Prompt(String id, List<ChatMessage> messages, GenerationParams params, int line) {
    public Prompt {
        messages = List.copyOf(messages);
        params = params == null ? GenerationParams.NONE : params;
    }

    /** A prompt made in code (tests, benchmarks): there is no line to point at. */
    public Prompt(String id, List<ChatMessage> messages, GenerationParams params) {
        this(id, messages, params, 0);
    }
}
