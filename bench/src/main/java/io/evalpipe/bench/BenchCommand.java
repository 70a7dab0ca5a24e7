package io.evalpipe.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evalctl bench}: commands that measure and print figures (median, min and max of
 * repetitions, with the machine and its load), as opposed to tests, which pass or fail. BENCHMARKS.md
 * says how each one measures and what it found.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the pipeline: each prints a table of median, min and max over repetitions, with the machine and load average.",
        subcommands = {OverheadBench.class, BatchingBench.class, ScaleoutBench.class, AggregatorBench.class, StartupBench.class, EnginesBench.class, EnginesBench.Child.class,
                BatchingBench.Child.class, StartupBench.Child.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // A usage mistake: picocli's handler prints it with the Try line (EvalCtl), not the whole usage.
        throw new ParameterException(spec.commandLine(), "a benchmark is required: overhead, batching, scaleout, aggregator, startup or engines");
    }
}
