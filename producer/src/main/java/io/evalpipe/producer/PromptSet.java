package io.evalpipe.producer;

import java.nio.file.Path;
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
}
