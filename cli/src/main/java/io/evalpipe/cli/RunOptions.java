package io.evalpipe.cli;

import io.evalpipe.launch.DurationConverter;

import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.PromptSet;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What one run is, for every command that enqueues one (`produce`, `run`, `sweep`): its prompts, name, pool, deadline and SLO. */
final class RunOptions {
    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl", description = "Prompt set, one JSON prompt per line.")
    Path prompts;

    @Option(names = "--suite", description = "Suite name in reports. Default: the prompt file's name.")
    String suite;

    @Option(names = "--pool", defaultValue = "default", description = "Worker pool to run on. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--deadline", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Write the report this long after enqueueing even if prompts are missing (they are listed).")
    Duration deadline;

    @Option(names = "--slo", converter = SloConverter.class, paramLabel = "e2e=D,ttft=D",
            description = "Latency objectives, e.g. e2e=15s,ttft=2s: the report's goodput is the share of prompts that pass and meet them.")
    Slo slo = Slo.NONE;

    String suiteName(PromptSet set) {
        return suite != null ? suite : set.name();
    }
}
