package io.evalpipe.worker.engine;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import java.util.List;

/**
 * @param params     fully merged: every field is set
 * @param jsonSchema when non-null, decoding is constrained to JSON matching this schema (a JSON
 *                   Schema document as text); {@code "{}"} means any JSON value
 */
public record CompletionRequest(List<ChatMessage> messages, GenerationParams params, String jsonSchema) {
    public CompletionRequest {
        messages = List.copyOf(messages);
    }
}
