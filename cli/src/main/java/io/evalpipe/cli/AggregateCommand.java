package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.aggregator.StreamsLifecycle;
import io.evalpipe.contracts.Topics;
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

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id: aggregators with the same id share the work. Default: evalpipe-aggregator for the"
                    + " default --topic-prefix, else evalpipe-aggregator-PREFIX, so that two deployments on one cluster never share one.")
    String applicationId;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve GET /metrics (Kafka Streams' own metrics, in the Prometheus format) and GET /health on this port. Default: off.")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the metrics endpoint binds to: this machine only, unless 0.0.0.0 or another address says otherwise (a container publishing the port needs 0.0.0.0). Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads. Default: one per core, at most 6 (one per run partition).")
    Integer streamThreads;

    @Override
    public Integer call() throws InterruptedException {
        if (streamThreads != null && streamThreads < 1) {
            throw new CliException(ExitCode.USAGE, "--stream-threads must be at least 1");
        }
        kafka.check(null);
        Preflight.writableFolder(reports, "--reports");
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        String appId = applicationId != null ? applicationId : defaultApplicationId(kafka.topics());
        StreamsLifecycle lifecycle = new StreamsLifecycle();
        KafkaStreams streams = Pipeline.startAggregator(props, kafka.topics(), appId, stateDir, reports, deadline, null,
                streamThreads == null ? AggregatorTopology.threadsForCores() : streamThreads, lifecycle);
        IdleWatch idle = new IdleWatch(streams, appId);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Pipeline.stopAggregator(streams, Duration.ofSeconds(30)), "aggregator-shutdown"));
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
        KafkaStreams.State end;
        try {
            end = lifecycle.awaitStopped();
        } finally {
            idle.close();
            if (server != null) {
                server.close();
            }
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
        }
        return end == KafkaStreams.State.ERROR ? ExitCode.INFRASTRUCTURE : ExitCode.OK;
    }

    /** {@code evalpipe-aggregator} for the default prefix (as before there was a choice), else one of the prefix's own. */
    static String defaultApplicationId(Topics topics) {
        return topics.equals(Topics.DEFAULT) ? "evalpipe-aggregator" : "evalpipe-aggregator-" + topics.prefix();
    }

    /**
     * Says, once, when this aggregator has been running without a single partition for a minute: another
     * aggregator with the same application id holds them all (two deployments that share an id, or more
     * aggregators than the run topics' partitions). Otherwise it would sit there, healthy and silent,
     * never writing a report.
     */
    private static final class IdleWatch implements AutoCloseable {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AggregateCommand.class);
        private static final long CHECK_SECONDS = 15;
        private static final long IDLE_SECONDS = 60;
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aggregator-idle-watch");
            t.setDaemon(true);
            return t;
        });
        private long idleSince = -1;
        private boolean said;

        IdleWatch(KafkaStreams streams, String appId) {
            timer.scheduleAtFixedRate(() -> {
                boolean none = streams.state() == KafkaStreams.State.RUNNING
                        && streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() == 0;
                long now = System.nanoTime();
                if (!none) {
                    idleSince = -1;
                    said = false;
                } else if (idleSince < 0) {
                    idleSince = now;
                } else if (!said && now - idleSince >= TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
                    said = true;
                    log.error("Aggregator {} has been assigned no partition for {} s: another aggregator with application id {} holds"
                            + " them all, so this one writes no report. Deployments with different --topic-prefix need different"
                            + " --application-id (the default is derived from the prefix); at most {} aggregators of one id have work.",
                            appId, IDLE_SECONDS, appId, io.evalpipe.contracts.TopicSetup.RUN_PARTITIONS);
                }
            }, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
