package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.CliException;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.ParamChecks;
import io.evalpipe.producer.AssertionFile;
import io.evalpipe.producer.PromptFileException;
import io.evalpipe.producer.PromptSet;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Run-level sampling and mitigation settings; a prompt's own {@code params} override them. */
public final class GenerationOptions {
    @Option(names = "--max-tokens", paramLabel = "N", description = "Cap on completion tokens (default 256).")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 is greedy and repeatable (default 0).")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass (default 1.0).")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K likeliest tokens (default 40).")
    Integer topK;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "Penalty on repeated tokens; 1.0 is off (default).")
    Double repeatPenalty;

    @Option(names = "--seed", paramLabel = "N", description = "Sampler seed (default 42).")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop sequence; repeatable.")
    List<String> stop;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Per-request generation timeout, e.g. 60s (default 120s).")
    java.time.Duration timeout;

    @Option(names = "--output-mode", paramLabel = "MODE",
            description = "free, json (any JSON, grammar-constrained) or schema (the interview_chat grammar). Default free.")
    String outputMode;

    @Option(names = "--assert", paramLabel = "FILE",
            description = "Assertions for every prompt, after its own \"expect\": a JSON array, or one JSON object a line."
                    + " A reply passes when it is schema-valid and every one holds.")
    Path assertFile;

    /** The prompt set with --assert's assertions added to every prompt; a bad file ends the command with FILE:LINE, exit 2. */
    PromptSet withAssertions(PromptSet set) {
        if (assertFile == null) {
            return set;
        }
        try {
            return set.withAssertions(AssertionFile.read(assertFile));
        } catch (PromptFileException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** The run's parameters: defaults, overridden by what was given on the command line. */
    GenerationParams params() {
        GenerationParams given = new GenerationParams(maxTokens, temperature, topP, topK, repeatPenalty, seed, stop,
                timeout == null ? null : timeout.toMillis(), outputMode);
        String problem = ParamChecks.problem(given);
        if (problem != null) {
            throw new CliException(ExitCode.USAGE, "--" + problem.replace('_', '-'));
        }
        return GenerationParams.DEFAULTS.overriddenBy(given);
    }
}
