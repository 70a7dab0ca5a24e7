package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import io.evalpipe.models.SyntheticModel;
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
        // A usage mistake: picocli's handler prints it with the Try line (EvalCtl), not the whole usage.
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: synth");
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Writes a GGUF with seeded random weights. It loads and runs like a real model; its replies are meaningless.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "Where to write the model.")
        Path out;

        @Option(names = "--size", defaultValue = "tiny", paramLabel = "tiny|small",
                description = "tiny: about 1M parameters (F32); small: about 100M parameters (F16). Default: ${DEFAULT-VALUE}.")
        String size;

        @Option(names = "--arch", defaultValue = "llama", paramLabel = "llama|qwen3",
                description = "llama: runs on every engine; qwen3: a current architecture that only --engine llama-server runs"
                        + " (the in-process llama.cpp b4916 refuses it). Default: ${DEFAULT-VALUE}.")
        String arch;

        @Option(names = "--no-byte-fallback",
                description = "Leave the 256 byte tokens out of the vocabulary: only printable ASCII, spaces and newlines then encode,"
                        + " as with some real SentencePiece models; for testing prompts a vocabulary cannot encode.")
        boolean noByteFallback;

        @Option(names = "--seed", defaultValue = "42", description = "Weight seed; the same seed writes the same bytes. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() {
            SyntheticModel.Size s = switch (size) {
                case "tiny" -> SyntheticModel.Size.TINY;
                case "small" -> SyntheticModel.Size.SMALL;
                default -> throw new CliException(ExitCode.USAGE, "--size must be tiny or small, got '" + size + "'");
            };
            SyntheticModel.Arch a = switch (arch) {
                case "llama" -> SyntheticModel.Arch.LLAMA;
                case "qwen3" -> SyntheticModel.Arch.QWEN3;
                default -> throw new CliException(ExitCode.USAGE, "--arch must be llama or qwen3, got '" + arch + "'");
            };
            SyntheticModel.write(out, s, seed, new SyntheticModel.Variant(a, !noByteFallback));
            System.out.println("Wrote synthetic " + size + " " + arch + " model" + (noByteFallback ? " without byte fallback" : "")
                    + " (seed " + seed + ") to " + out);
            return ExitCode.OK;
        }
    }
}
