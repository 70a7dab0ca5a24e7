package io.evalpipe.cli;

import io.evalpipe.worker.model.SyntheticModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true, description = "Model files.",
        subcommands = ModelCommand.Synth.class)
final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CliException(ExitCode.USAGE, "a subcommand is required: synth");
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Writes a llama-architecture GGUF with seeded random weights. It loads and runs like a real model; its replies are meaningless.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "Where to write the model.")
        Path out;

        @Option(names = "--size", defaultValue = "tiny", paramLabel = "tiny|small",
                description = "tiny: about 1M parameters (F32); small: about 100M parameters (F16). Default: ${DEFAULT-VALUE}.")
        String size;

        @Option(names = "--seed", defaultValue = "42", description = "Weight seed; the same seed writes the same bytes. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() {
            SyntheticModel.Size s = switch (size) {
                case "tiny" -> SyntheticModel.Size.TINY;
                case "small" -> SyntheticModel.Size.SMALL;
                default -> throw new CliException(ExitCode.USAGE, "--size must be tiny or small, got '" + size + "'");
            };
            SyntheticModel.write(out, s, seed);
            System.out.println("Wrote synthetic " + size + " model (seed " + seed + ") to " + out);
            return ExitCode.OK;
        }
    }
}
