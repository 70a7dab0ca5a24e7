package io.evalpipe.cli;

import io.evalpipe.aggregator.AggregatorTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Runs the aggregator (Kafka Streams) until stopped: writes REPORTS/<run-id>/ when a run completes or its deadline passes.")
final class AggregateCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Report folder. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Option(names = "--deadline", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Report a run this long after its creation even if prompts are missing (listed in the report), for runs that set no deadline themselves.")
    Duration deadline;

    @Option(names = "--state-dir", defaultValue = "${java.io.tmpdir}/evalpipe-streams", paramLabel = "DIR",
            description = "Kafka Streams state (restored from Kafka if lost). Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--application-id", defaultValue = "evalpipe-aggregator", description = "Kafka Streams application id. Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve GET /metrics (Kafka Streams' own metrics, in the Prometheus format) and GET /health on this port. Default: off.")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "Address the metrics endpoint binds to. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads. Default: one per core, at most 6 (one per run partition).")
    Integer streamThreads;

    @Override
    public Integer call() throws InterruptedException {
        if (streamThreads != null && streamThreads < 1) {
            throw new CliException(ExitCode.USAGE, "--stream-threads must be at least 1");
        }
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        KafkaStreams streams = Pipeline.startAggregator(props, kafka.topics(), applicationId, stateDir, reports, deadline, null,
                streamThreads == null ? AggregatorTopology.threadsForCores() : streamThreads);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(30)), "aggregator-shutdown"));
        MetricsServer server = null;
        KafkaStreamsMetrics streamsMetrics = null;
        if (metricsPort != null) {
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // Streams already counts what matters here (results consumed, reports produced, per topic):
            // binding its metrics avoids a second set of counters that could disagree with them.
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);
            server = MetricsServer.start(metricsHost, metricsPort, registry, () -> streams.state().isRunningOrRebalancing());
        }
        try {
            // startAggregator has already started the streams, and Kafka Streams takes a state
            // listener only before start: watch the state instead.
            while (streams.state() != KafkaStreams.State.NOT_RUNNING && streams.state() != KafkaStreams.State.ERROR) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
        }
        return streams.state() == KafkaStreams.State.ERROR ? ExitCode.INFRASTRUCTURE : ExitCode.OK;
    }
}
