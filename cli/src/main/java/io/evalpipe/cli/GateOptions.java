package io.evalpipe.cli;

import io.evalpipe.contracts.Slo;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.report.compare.RunGates;
import java.time.Duration;
import picocli.CommandLine.Option;

/** `run`'s absolute gates ({@link RunGates}): exit 1 when the run's point estimate is beyond one of them. */
final class GateOptions {
    @Option(names = "--min-pass-rate", paramLabel = "FRACTION", converter = CompareCommand.FractionConverter.class,
            description = "Exit 1 when fewer of the expected prompts pass: 0.9 or 90%%. A prompt with no result counts as not passing.")
    Double minPassRate;

    @Option(names = "--min-goodput", paramLabel = "FRACTION", converter = CompareCommand.FractionConverter.class,
            description = "Exit 1 when fewer of the expected prompts pass within the --slo (needs --slo).")
    Double minGoodput;

    @Option(names = "--max-p95", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit 1 when the E2E p95 is above this, e.g. 15s.")
    Duration maxP95;

    @Option(names = "--max-errors", paramLabel = "N",
            description = "Exit 1 when more than N prompts end in an error or have no result.")
    Integer maxErrors;

    /**
     * The gates, checked before anything starts.
     *
     * @throws CliException exit 2 for a limit that cannot be met, or --min-goodput without an SLO
     */
    RunGates gates(Slo slo) {
        // Checked here, option by option, so that the line names the option; negative fractions the converter refuses.
        if (minPassRate != null && minPassRate > 1) {
            throw new CliException(ExitCode.USAGE, "--min-pass-rate must be at most 1 (100%), got " + minPassRate);
        }
        if (minGoodput != null && minGoodput > 1) {
            throw new CliException(ExitCode.USAGE, "--min-goodput must be at most 1 (100%), got " + minGoodput);
        }
        if (maxP95 != null && (maxP95.isZero() || maxP95.isNegative())) {
            throw new CliException(ExitCode.USAGE, "--max-p95 must be more than 0");
        }
        if (maxErrors != null && maxErrors < 0) {
            throw new CliException(ExitCode.USAGE, "--max-errors must be 0 or more, got " + maxErrors);
        }
        if (minGoodput != null && !slo.isSet()) {
            throw new CliException(ExitCode.USAGE, "--min-goodput needs --slo (without one, goodput is the pass rate: use --min-pass-rate)");
        }
        return new RunGates(minPassRate, minGoodput, maxP95, maxErrors);
    }
}
