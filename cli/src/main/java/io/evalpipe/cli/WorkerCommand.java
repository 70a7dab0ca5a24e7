package io.evalpipe.cli;

import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.InferenceEngine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Runs a worker until stopped: loads the model once, then consumes the pool's jobs and publishes results.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    EngineOptions engine;

    @Option(names = "--model", required = true, paramLabel = "FILE.gguf", description = "The GGUF model to serve.")
    Path model;

    @Option(names = "--pool", defaultValue = "default", description = "Worker pool: its own job topic and consumer group. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--worker-id", description = "Name in results and logs. Default: host name and process id.")
    String workerId;

    @Option(names = "--partitions", defaultValue = "8", description = "Job partitions to create if the pool's topic is missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() throws InterruptedException {
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        var validator = engine.validator();
        var mode = engine.validationMode();
        // The model is checked and loaded before the first poll: a bad model file must not take (and stall) a job.
        String sha256 = ProduceCommand.describe(model).sha256();
        try (InferenceEngine llm = engine.load(model, 1)) {
            Pipeline.ensureTopics(props, kafka.topics(), pool, partitions);
            Worker worker = Pipeline.newWorker(props, kafka.topics(), pool, workerId != null ? workerId : defaultWorkerId(),
                    engine.parallel, llm, sha256, validator, mode);
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
            worker.run();
            return worker.failed() ? ExitCode.INFRASTRUCTURE : ExitCode.OK;
        }
    }

    static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ProcessHandle.current().pid();
    }
}
