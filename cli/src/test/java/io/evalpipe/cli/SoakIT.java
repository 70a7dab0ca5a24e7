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
import io.evalpipe.worker.FakeEngine;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.validate.ReplyValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 10,000 jobs through the real broker, two workers and the aggregator, on an instant fake engine (so
 * the pipeline itself is what runs). Heap is measured as used heap right after a full GC
 * ({@link MemoryMXBean#gc()}), once at 2,000 results and once at 9,000: it must stay flat, i.e.
 * nothing in the pipeline holds on to jobs or results it has finished with.
 */
class SoakIT {
    private static final Logger log = LoggerFactory.getLogger(SoakIT.class);
    private static final int JOBS = 10_000;
    private static final long HEAP_GROWTH_LIMIT = 48L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldCompleteTenThousandJobsWithFlatHeap() throws Exception {
        Path prompts = dir.resolve("soak.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            lines.add("{\"id\": \"s" + i + "\", \"messages\": [{\"role\": \"user\", \"content\": \"question " + i + "\"}]}");
        }
        Files.write(prompts, lines);
        Topics topics = new Topics("t-" + UUID.randomUUID());
        ReplyValidator validator = ReplyValidator.fromFile(EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json"));
        FakeEngine engine = FakeEngine.replying(
                "{\"reply\": \"Walk me through your last incident.\", \"question_type\": \"behavioral\", \"follow_up\": false, \"end_interview\": false}");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            Pipeline.ensureTopics(kafka, topics, "default", 4);
            KafkaStreams aggregator = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(), dir.resolve("state"),
                    dir.resolve("reports"), null, null, AggregatorTopology.threadsForCores());
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Worker w = Pipeline.newWorker(kafka, topics, "default", "soak-" + i, 4, engine, "sha", validator, ReplyValidator.Mode.STRICT);
                Pipeline.startThread(w, "soak-worker-" + i);
                workers.add(w);
            }
            try (Observer observer = new Observer(kafka, topics)) {
                String runId = new RunProducer(kafka, topics, Clock.systemUTC()).enqueue("soak", PromptSetReader.read(prompts), "soak",
                        "default", GenerationParams.DEFAULTS, null, null, Slo.NONE).runId();

                observer.awaitResults(2_000);
                long early = usedHeapAfterGc();
                observer.awaitResults(9_000);
                long late = usedHeapAfterGc();
                log.info("Soak heap after GC: {} MiB at 2,000 results, {} MiB at 9,000", early >> 20, late >> 20);

                RunSummary summary = observer.awaitSummary(runId);
                assertThat(summary.n()).isEqualTo(JOBS);
                assertThat(summary.passed()).isEqualTo(JOBS);
                assertThat(late - early).as("heap growth between 2,000 and 9,000 results").isLessThan(HEAP_GROWTH_LIMIT);
            } finally {
                workers.forEach(Worker::close);
                aggregator.close(Duration.ofSeconds(30));
            }
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static final class Observer implements AutoCloseable {
        private final TopicReader reader;
        private final Topics topics;
        private final Set<String> prompts = new HashSet<>();
        private RunSummary summary;

        Observer(Properties kafka, Topics topics) {
            this.topics = topics;
            reader = TopicReader.fromBeginning(kafka, topics.results(), topics.runs());
        }

        private void poll() {
            reader.poll(Duration.ofMillis(200)).forEach(r -> {
                if (r.topic().equals(topics.runs())) {
                    summary = Messages.SUMMARY.deserializer().deserialize(null, r.value());
                } else {
                    prompts.add(Messages.RESULT.deserializer().deserialize(null, r.value()).promptId());
                }
            });
        }

        void awaitResults(int n) {
            await().atMost(Duration.ofMinutes(4)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
                poll();
                return prompts.size() >= n;
            });
        }

        RunSummary awaitSummary(String runId) {
            await().atMost(Duration.ofMinutes(4)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
                poll();
                return summary != null && summary.runId().equals(runId);
            });
            return summary;
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
