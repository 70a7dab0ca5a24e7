package io.evalpipe.producer;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.assertions.Assertion;
import java.util.List;

/**
 * One line of a prompt file: the prompt's id, its chat messages, its own parameter overrides, and
 * what its reply must satisfy besides the schema.
 *
 * @param assertions its {@code expect}, then those the run adds to every prompt ({@link PromptSet#withAssertions})
 * @param line       where in its file the prompt was read (1-based), so that a check made later, such as
 *                   the record size, can still point at it; 0 for a prompt made in code
 */
public record Prompt(String id, List<ChatMessage> messages, GenerationParams params, List<Assertion> assertions, int line) {
    public Prompt {
        messages = List.copyOf(messages);
        params = params == null ? GenerationParams.NONE : params;
        assertions = assertions == null ? List.of() : List.copyOf(assertions);
    }

    public Prompt(String id, List<ChatMessage> messages, GenerationParams params, int line) {
        this(id, messages, params, List.of(), line);
    }

    /** A prompt made in code (tests, benchmarks): there is no line to point at. */
    public Prompt(String id, List<ChatMessage> messages, GenerationParams params) {
        this(id, messages, params, List.of(), 0);
    }
}
