package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pools, two runs at once, on a real broker with real llama.cpp: each run is served only by its
 * own pool's worker, and one aggregator reports both.
 */
class PoolRoutingIT {
    @TempDir
    Path reports;
    @TempDir
    Path state;

    @Test
    void shouldServeEachRunOnlyByItsPoolsWorkers() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        ReplyValidator validator = ReplyValidator.fromFile(EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json"));
        PromptSet prompts = PromptSetReader.read(EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl"));
        GenerationParams params = GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(16, null, null, null, null, null, null, null, null));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            Pipeline.ensureTopics(kafka, topics, "gpu-a100", 4);
            Pipeline.ensureTopics(kafka, topics, "cpu", 4);
            KafkaStreams aggregator = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(), state, reports, null, null, AggregatorTopology.threadsForCores());
            Worker gpuPool = Pipeline.newWorker(kafka, topics, "gpu-a100", "worker-gpu", 1, TestModels.tinyEngine(), "sha", validator, ReplyValidator.Mode.STRICT);
            Worker cpuPool = Pipeline.newWorker(kafka, topics, "cpu", "worker-cpu", 1, TestModels.tinyEngine(), "sha", validator, ReplyValidator.Mode.STRICT);
            Pipeline.startThread(gpuPool, "gpu-worker");
            Pipeline.startThread(cpuPool, "cpu-worker");
            try {
                RunProducer producer = new RunProducer(kafka, topics, Clock.systemUTC());
                RunManifest onGpu = producer.enqueue("run-gpu", prompts, "s", "gpu-a100", params, null, null, Slo.NONE);
                RunManifest onCpu = producer.enqueue("run-cpu", prompts, "s", "cpu", params, null, null, Slo.NONE);

                Map<String, RunSummary> summaries = awaitSummaries(kafka, topics, 2);

                assertThat(summaries).containsOnlyKeys(onGpu.runId(), onCpu.runId());
                assertThat(summaries.values()).allMatch(s -> s.n() == 20 && s.complete());
                var gpuRows = ReportChecks.readCsv(Path.of(summaries.get("run-gpu").reportDir()));
                var cpuRows = ReportChecks.readCsv(Path.of(summaries.get("run-cpu").reportDir()));
                assertThat(ReportChecks.column(gpuRows, "worker_id")).containsOnly("worker-gpu");
                assertThat(ReportChecks.column(cpuRows, "worker_id")).containsOnly("worker-cpu");
                // Temperature 0 and one seed: two workers must give byte-identical replies to the same prompts.
                assertThat(outputsById(cpuRows)).isEqualTo(outputsById(gpuRows));
            } finally {
                gpuPool.close();
                cpuPool.close();
                aggregator.close(Duration.ofSeconds(30));
            }
        }
    }

    private static Map<String, String> outputsById(List<org.apache.commons.csv.CSVRecord> rows) {
        Map<String, String> out = new HashMap<>();
        rows.forEach(r -> out.put(r.get("prompt_id"), r.get("output")));
        return out;
    }

    private static Map<String, RunSummary> awaitSummaries(Properties kafka, Topics topics, int expected) {
        Map<String, RunSummary> out = new HashMap<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka, topics.runs())) {
            await().atMost(Duration.ofMinutes(3)).pollInSameThread().until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> out.put(r.key(), Messages.SUMMARY.deserializer().deserialize(null, r.value())));
                return out.size() >= expected;
            });
        }
        return out;
    }
}
