package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts in the middle of a run lose nothing and count nothing twice: the broker, then the aggregator. */
class DurabilityIT {
    private static final GenerationParams PARAMS = GenerationParams.DEFAULTS.overriddenBy(
            new GenerationParams(48, null, null, null, null, null, null, null, null));

    @TempDir
    Path dir;

    private static Properties kafka(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        return p;
    }

    private Worker startWorker(Properties kafka, Topics topics) {
        ReplyValidator validator = ReplyValidator.fromFile(EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json"));
        Worker w = Pipeline.newWorker(kafka, topics, "default", "w1", 1, TestModels.tinyEngine(), "sha", validator, ReplyValidator.Mode.STRICT);
        Pipeline.startThread(w, "durability-worker");
        return w;
    }

    private String enqueue(Properties kafka, Topics topics, String runId) throws Exception {
        var prompts = PromptSetReader.read(EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl"));
        return new RunProducer(kafka, topics, Clock.systemUTC()).enqueue(runId, prompts, "durability", "default", PARAMS, null, null, Slo.NONE).runId();
    }

    @Test
    void shouldCompleteARunAcrossABrokerRestart() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        Path data = dir.resolve("kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0);
        int port = broker.port();
        Properties kafka = kafka(broker);
        Pipeline.ensureTopics(kafka, topics, "default", 4);
        KafkaStreams aggregator = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(), dir.resolve("state"),
                dir.resolve("reports"), null, null, AggregatorTopology.threadsForCores());
        Worker worker = startWorker(kafka, topics);
        try {
            String runId = enqueue(kafka, topics, "broker-restart");
            awaitDistinctResults(kafka, topics, 5);

            broker.close();
            broker = EmbeddedKafkaBroker.start(data, port);

            RunSummary summary = awaitSummary(kafka, topics, runId);
            assertThat(summary.complete()).isTrue();
            assertThat(summary.n()).isEqualTo(20);
            assertThat(new HashSet<>(ReportChecks.column(ReportChecks.readCsv(Path.of(summary.reportDir())), "prompt_id"))).hasSize(20);
        } finally {
            worker.close();
            aggregator.close(Duration.ofSeconds(30));
            broker.close();
        }
    }

    @Test
    void shouldWriteTheSameReportAfterTheAggregatorIsStoppedAndItsLocalStateLost() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = kafka(broker);
            Pipeline.ensureTopics(kafka, topics, "default", 4);
            String appId = "agg-" + UUID.randomUUID();
            Path interrupted = dir.resolve("interrupted");
            KafkaStreams first = Pipeline.startAggregator(kafka, topics, appId, dir.resolve("state-1"), interrupted, null, null, AggregatorTopology.threadsForCores());
            Worker worker = startWorker(kafka, topics);
            try {
                String runId = enqueue(kafka, topics, "aggregator-restart");
                awaitDistinctResults(kafka, topics, 8);
                Pipeline.stopAggregator(first, Duration.ofSeconds(30)); // as evalctl aggregate stops on SIGTERM
                // A new state dir: the restarted aggregator must rebuild the run from its changelog.
                KafkaStreams second = Pipeline.startAggregator(kafka, topics, appId, dir.resolve("state-2"), interrupted, null, null, AggregatorTopology.threadsForCores());
                RunSummary summary;
                try {
                    summary = awaitSummary(kafka, topics, runId);
                } finally {
                    second.close(Duration.ofSeconds(30));
                }

                // The same run aggregated from scratch by an aggregator that was never interrupted.
                Path uninterrupted = dir.resolve("uninterrupted");
                KafkaStreams fresh = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(), dir.resolve("state-3"),
                        uninterrupted, null, runId, AggregatorTopology.threadsForCores());
                try {
                    await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(uninterrupted.resolve(runId).resolve("summary.json")));
                } finally {
                    fresh.close(Duration.ofSeconds(30));
                }
                assertThat(summary.n()).isEqualTo(20);
                assertThat(Files.readString(interrupted.resolve(runId).resolve("results.csv")))
                        .isEqualTo(Files.readString(uninterrupted.resolve(runId).resolve("results.csv")));
                assertThat(ReportChecks.summary(interrupted.resolve(runId)))
                        .isEqualTo(ReportChecks.summary(uninterrupted.resolve(runId)));
            } finally {
                worker.close();
            }
        }
    }

    private static void awaitDistinctResults(Properties kafka, Topics topics, int atLeast) {
        Set<String> prompts = new HashSet<>();
        consume(kafka, topics.results(), Duration.ofMinutes(2), r -> {
            prompts.add(Messages.RESULT.deserializer().deserialize(null, r).promptId());
            return prompts.size() >= atLeast;
        });
    }

    private static RunSummary awaitSummary(Properties kafka, Topics topics, String runId) {
        Map<String, RunSummary> found = new HashMap<>();
        consume(kafka, topics.runs(), Duration.ofMinutes(3), r -> {
            RunSummary s = Messages.SUMMARY.deserializer().deserialize(null, r);
            found.put(s.runId(), s);
            return found.containsKey(runId);
        });
        return found.get(runId);
    }

    /** Reads a topic from the start until {@code done} says so, riding out a broker that is briefly away. */
    private static void consume(Properties kafka, String topic, Duration deadline, Predicate<byte[]> done) {
        try (TopicReader reader = TopicReader.fromBeginning(kafka, topic)) {
            boolean[] reached = {false};
            await().atMost(deadline).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> reached[0] |= done.test(r.value()));
                return reached[0];
            });
        }
    }
}
