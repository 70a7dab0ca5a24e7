package io.evalpipe.cli;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.Pipeline;
import io.evalpipe.launch.Preflight;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import java.nio.file.Path;
import java.time.Clock;
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

    @Mixin
    RunOptions run;

    @Option(names = "--model", paramLabel = "FILE.gguf", description = "The model the workers serve, to name it (by sha256) in the manifest.")
    Path model;

    @Option(names = "--partitions", defaultValue = "8", description = "Job partitions to create if the pool's topic is missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() {
        PromptSet set = Preflight.readPrompts(run.prompts);
        var params = generation.params();
        set = generation.withAssertions(set);
        kafka.check(run.pool);
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        String suiteName = run.suiteName(set);
        String runId = RunProducer.newRunId(suiteName, Clock.systemUTC().instant());
        Preflight.recordSizes(set, runId, params, props);
        ModelInfo modelInfo = model == null ? null : Preflight.describeModel(model);
        Pipeline.ensureTopics(props, kafka.topics(), run.pool, partitions);
        RunManifest manifest = new RunProducer(props, kafka.topics(), Clock.systemUTC())
                .enqueue(runId, set, suiteName, run.pool, params, modelInfo, run.deadline, run.slo);
        System.out.println(manifest.runId());
        return ExitCode.OK;
    }
}
