package io.evalpipe.producer;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import java.util.List;

/** One line of a prompt file: the prompt's id, its chat messages, and its own parameter overrides. */
public record Prompt(String id, List<ChatMessage> messages, GenerationParams params) {
    public Prompt {
        messages = List.copyOf(messages);
        params = params == null ? GenerationParams.NONE : params;
    }
}
