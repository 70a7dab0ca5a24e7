package io.evalpipe.cli;

import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.PromptSet;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** What `run` and `sweep` share beyond Kafka, generation and engine options: the prompts, the local workers, where reports go. */
final class LocalRunOptions {
    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl", description = "Prompt set, one JSON prompt per line.")
    Path prompts;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Worker instances in this process; they share one loaded model. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Report folder. Default: ${DEFAULT-VALUE}.")
    Path reports;

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

    @Option(names = {"-v", "--verbose"}, description = "Log what every role does (INFO) instead of only warnings, above the progress bar.")
    boolean verbose;

    /** Quiets the roles' start-up logs and checks the numbers; call before anything else. */
    void apply() {
        if (!verbose && System.getenv("EVALPIPE_LOG_LEVEL") == null) {
            // One command, one screen: the progress bar and the summary, not every role's start-up log.
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.evalpipe")).setLevel(ch.qos.logback.classic.Level.WARN);
        }
        if (workers < 1) {
            throw new CliException(ExitCode.USAGE, "--workers must be at least 1");
        }
    }

    String suiteName(PromptSet set) {
        return suite != null ? suite : set.name();
    }
}
