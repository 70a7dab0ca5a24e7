package io.evalpipe.cli;

import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.PromptFileException;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.ModelIdentity;
import io.evalpipe.worker.model.ModelFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Checks a prompt file and enqueues it as one run (one Kafka transaction). Prints the run id.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    GenerationOptions generation;

    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl", description = "Prompt set, one JSON prompt per line.")
    Path prompts;

    @Option(names = "--suite", description = "Suite name in reports. Default: the prompt file's name.")
    String suite;

    @Option(names = "--pool", defaultValue = "default", description = "Worker pool to run on. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--model", paramLabel = "FILE.gguf", description = "The model the workers serve, to name it (by sha256) in the manifest.")
    Path model;

    @Option(names = "--deadline", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Report the run this long after enqueueing even if prompts are missing.")
    Duration deadline;

    @Option(names = "--slo", converter = SloConverter.class, paramLabel = "e2e=D,ttft=D",
            description = "Latency objectives, e.g. e2e=15s,ttft=2s: the report's goodput is the share of prompts that pass and meet them.")
    Slo slo = Slo.NONE;

    @Option(names = "--partitions", defaultValue = "8", description = "Job partitions to create if the pool's topic is missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() {
        PromptSet set = readPrompts(prompts);
        var params = generation.params();
        ModelInfo modelInfo = model == null ? null : describe(model);
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), pool, partitions);
        String suiteName = suite != null ? suite : set.name();
        RunManifest manifest = new RunProducer(props, kafka.topics(), Clock.systemUTC())
                .enqueue(RunProducer.newRunId(suiteName, Clock.systemUTC().instant()), set, suiteName, pool, params, modelInfo, deadline, slo);
        System.out.println(manifest.runId());
        return ExitCode.OK;
    }

    static PromptSet readPrompts(Path file) {
        try {
            return PromptSetReader.read(file);
        } catch (PromptFileException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** Names the model by content; a missing or corrupt file ends the command with exit 3 and one line. */
    static ModelInfo describe(Path model) {
        if (!java.nio.file.Files.isRegularFile(model)) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "model file " + model + " does not exist");
        }
        try {
            return ModelIdentity.of(model);
        } catch (ModelFileException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }
}
