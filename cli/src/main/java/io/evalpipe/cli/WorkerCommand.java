package io.evalpipe.cli;

import io.evalpipe.launch.EngineOptions;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.worker.HealthServer;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.WorkerMetrics;
import io.evalpipe.worker.WorkerState;
import io.evalpipe.worker.engine.InferenceEngine;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

    @Option(names = "--pool", defaultValue = "default", description = "Worker pool: its own job topic and consumer group. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--worker-id", description = "Name in results and logs. Default: host name and process id.")
    String workerId;

    @Option(names = "--partitions", defaultValue = "8", description = "Job partitions to create if the pool's topic is missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve GET /health (200 ready, 503 loading/stopping/error) and GET /metrics (Prometheus) on this port. Default: off.")
    Integer healthPort;

    @Option(names = "--health-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the health endpoint binds to: this machine only, unless 0.0.0.0 or another address says otherwise (a container publishing the port needs 0.0.0.0). Default: ${DEFAULT-VALUE}.")
    String healthHost;

    @Mixin
    QueueOptions queue;

    @Override
    public Integer call() {
        kafka.check(pool);
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        engine.check(false);
        queue.check();
        engine.precheck();
        var validator = engine.validator();
        var mode = engine.validationMode();
        HealthServer health = healthPort == null ? null : HealthServer.start(healthHost, healthPort);
        WorkerMetrics metrics = WorkerMetrics.none();
        if (health != null) {
            var registry = WorkerMetrics.prometheusRegistry();
            health.serveMetrics(registry);
            metrics = new WorkerMetrics(registry, pool);
        }
        try {
            // The model is checked and loaded before the first poll: a bad model file must not take (and stall) a job.
            EngineOptions.Opened opened = engine.open(1);
            try (InferenceEngine llm = opened.engine()) {
                Pipeline.ensureTopics(props, kafka.topics(), pool, partitions);
                Worker worker = Pipeline.newWorker(props, kafka.topics(), pool, workerId != null ? workerId : defaultWorkerId(),
                        queue.settings(engine.parallel, llm.info()), llm, opened.model().sha256(), validator, mode);
                metrics.modelLoaded(llm.info().modelLoadMillis());
                worker.withMetrics(metrics);
                if (health != null) {
                    worker.onStatus(health::set);
                }
                // SIGTERM: hand the jobs in hand back at once (their generations are cancelled) and leave within 10 s.
                Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
                worker.run();
                if (worker.failed()) {
                    throw new CliException(ExitCode.INFRASTRUCTURE, "worker stopped: " + worker.failure());
                }
                return ExitCode.OK;
            }
        } catch (CliException e) {
            if (health != null) {
                health.set(WorkerState.ERROR, e.getMessage());
            }
            throw e;
        } finally {
            if (health != null) {
                health.close();
            }
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
