package io.evalpipe.contracts;

/** One turn of a chat prompt, as the OpenAI-style {@code messages} array spells it. */
public record ChatMessage(String role, String content) {}
