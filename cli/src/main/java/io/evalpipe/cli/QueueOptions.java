package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.CliException;

import io.evalpipe.contracts.ParamChecks;
import io.evalpipe.contracts.QueueSettings;
import io.evalpipe.worker.JobLimits;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.EngineInfo;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a worker takes jobs: which queue protocol, and what a job may ask of it. */
final class QueueOptions {
    @Option(names = "--queue", defaultValue = "auto", paramLabel = "auto|share|classic",
            description = "auto: the pool's share group when the cluster has share groups (Kafka 4.2+), else its consumer group;"
                    + " share or classic to insist. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--max-job-tokens", paramLabel = "N",
            description = "Refuse (dead-letter) a job asking for more max_tokens than this. Default: the slot's context (--ctx-size).")
    Integer maxJobTokens;

    @Option(names = "--max-job-timeout", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Refuse (dead-letter) a job asking for a longer timeout_ms than this. Default: ${DEFAULT-VALUE}.")
    Duration maxJobTimeout;

    @Option(names = "--max-hold", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a job is held, and retried with back-off, while the engine cannot be reached, before it is handed"
                    + " back to the share group. Default: ${DEFAULT-VALUE}.")
    Duration maxHold;

    /** Fails with exit 2 on a bad value, before anything is loaded or started. */
    void check() {
        mode();
        if (maxJobTokens != null && (maxJobTokens < 1 || maxJobTokens > ParamChecks.MAX_TOKENS)) {
            throw new CliException(ExitCode.USAGE, "--max-job-tokens must be between 1 and " + ParamChecks.MAX_TOKENS + ", got " + maxJobTokens);
        }
        if (maxJobTimeout.isNegative() || maxJobTimeout.isZero() || maxHold.isNegative()) {
            throw new CliException(ExitCode.USAGE, "--max-job-timeout must be positive and --max-hold not negative");
        }
    }

    Worker.Settings settings(int slots, EngineInfo engine) {
        check();
        int tokens = maxJobTokens != null ? maxJobTokens : JobLimits.forEngine(engine).maxTokens();
        return new Worker.Settings(slots, new JobLimits(tokens, maxJobTimeout), mode(), QueueSettings.DEFAULT, maxHold);
    }

    private Worker.Mode mode() {
        return switch (mode) {
            case "auto" -> Worker.Mode.AUTO;
            case "share" -> Worker.Mode.SHARE;
            case "classic" -> Worker.Mode.CLASSIC;
            default -> throw new CliException(ExitCode.USAGE, "--queue must be auto, share or classic, got '" + mode + "'");
        };
    }
}
