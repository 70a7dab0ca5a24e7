package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** What `run` and `sweep` add to a run's options ({@link RunOptions}): the local workers, where reports go, how much to log. */
final class LocalRunOptions {
    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Worker instances in this process; they share one loaded model. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Report folder. Default: ${DEFAULT-VALUE}.")
    Path reports;

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
}
