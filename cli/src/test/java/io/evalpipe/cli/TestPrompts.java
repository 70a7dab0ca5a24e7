package io.evalpipe.cli;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.producer.Prompt;
import io.evalpipe.producer.PromptSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prompt sets made in a test: distinct one-line questions, and greedy parameters with a given max tokens. */
final class TestPrompts {
    private TestPrompts() {}

    /** {@code q-1} ... {@code q-N}: "Question i: tell me about yourself." */
    static List<Prompt> questions(int n) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            prompts.add(new Prompt("q-" + i, List.of(new ChatMessage("user", "Question " + i + ": tell me about yourself.")), null));
        }
        return prompts;
    }

    static PromptSet set(String name, List<Prompt> prompts) {
        return new PromptSet(name, Path.of(name + ".jsonl"), "0".repeat(64), prompts);
    }

    static GenerationParams maxTokens(int n) {
        return GenerationParams.DEFAULTS.overriddenBy(new GenerationParams(n, null, null, null, null, null, null, null, null));
    }
}
