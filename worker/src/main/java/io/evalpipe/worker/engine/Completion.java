package io.evalpipe.worker.engine;

/**
 * One finished generation. Times come from {@link System#nanoTime()} on the machine that ran it.
 *
 * @param promptTokens     counted by the model's tokenizer on the rendered prompt
 * @param completionTokens counted by the model's tokenizer, not by streamed chunks
 * @param ttftNanos        request start to first token; null when no token came
 * @param e2eNanos         request start to the end of generation
 * @param grammarApplied   true when the request's jsonSchema was turned into a grammar and used
 */
public record Completion(
        String text,
        int promptTokens,
        int completionTokens,
        FinishReason finishReason,
        Long ttftNanos,
        long e2eNanos,
        boolean grammarApplied) {}
