package io.evalpipe.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

    @Override
    public Integer call() throws InterruptedException {
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        KafkaStreams streams = Pipeline.startAggregator(props, kafka.topics(), applicationId, stateDir, reports, deadline, null);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(30)), "aggregator-shutdown"));
        stopped.await();
        return streams.state() == KafkaStreams.State.ERROR ? ExitCode.INFRASTRUCTURE : ExitCode.OK;
    }
}
