package io.evalpipe.producer;

import io.evalpipe.contracts.assertions.Assertion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole prompt file, read and checked.
 *
 * @param name   the file name without extension: the suite a run belongs to unless told otherwise
 * @param sha256 of the file's bytes, so a report says exactly which prompts it measured
 */
public record PromptSet(String name, Path source, String sha256, List<Prompt> prompts) {
    public PromptSet {
        prompts = List.copyOf(prompts);
    }

    /**
     * This set with {@code shared} added after every prompt's own assertions: what {@code --assert
     * FILE} and a suite's {@code assert} do. The sha256 stays the prompt file's, as it names the prompts.
     */
    public PromptSet withAssertions(List<Assertion> shared) {
        if (shared.isEmpty()) {
            return this;
        }
        List<Prompt> asserted = new ArrayList<>(prompts.size());
        for (Prompt p : prompts) {
            List<Assertion> all = new ArrayList<>(p.assertions());
            all.addAll(shared);
            asserted.add(new Prompt(p.id(), p.messages(), p.params(), all, p.line()));
        }
        return new PromptSet(name, source, sha256, asserted);
    }
}
