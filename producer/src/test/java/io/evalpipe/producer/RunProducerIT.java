package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.BrokerExtension;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The producer against a real (embedded, KRaft) broker. */
class RunProducerIT {
    @RegisterExtension
    static final BrokerExtension broker = new BrokerExtension();

    @TempDir
    Path dir;

    private Properties kafka() {
        return broker.clientProperties();
    }

    @Test
    void shouldEnqueueTheManifestAndEveryJobWithMergedParams() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka())) {
            TopicSetup.ensureTopics(admin, topics, "cpu", 4, (short) 1);
        }
        Path file = dir.resolve("three.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"one\"}], \"params\": {\"max_tokens\": 16}}",
                "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"two\"}]}",
                "{\"id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": \"three\"}]}"));
        GenerationParams runParams = GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(64, 0.0, null, null, null, 7L, null, null, "schema"));
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

        RunManifest manifest = new RunProducer(kafka(), topics, clock)
                .enqueue("three-run", PromptSetReader.read(file), "three", "cpu", runParams, null, Duration.ofMinutes(5), new Slo(15_000.0, null));

        List<ConsumerRecord<String, byte[]>> jobs = readAll(topics.jobs("cpu"), 3);
        List<ConsumerRecord<String, byte[]>> manifests = readAll(topics.manifests(), 1);
        RunManifest sent = Messages.MANIFEST.deserializer().deserialize(null, manifests.get(0).value());
        assertThat(sent).isEqualTo(manifest);
        assertThat(sent.promptIds()).containsExactly("a", "b", "c");
        assertThat(sent.deadlineMs()).isEqualTo(300_000L);
        assertThat(sent.slo()).isEqualTo(new Slo(15_000.0, null));
        List<Job> decoded = jobs.stream().map(r -> Messages.JOB.deserializer().deserialize(null, r.value())).toList();
        assertThat(decoded).extracting(Job::promptId).containsExactlyInAnyOrder("a", "b", "c");
        Job a = decoded.stream().filter(j -> j.promptId().equals("a")).findFirst().orElseThrow();
        assertThat(a.params().maxTokens()).as("the prompt's own max_tokens wins").isEqualTo(16);
        assertThat(a.params().seed()).as("the run's seed fills the rest").isEqualTo(7L);
        assertThat(a.params().outputMode()).isEqualTo("schema");
        assertThat(a.enqueuedAt()).isEqualTo(clock.instant());
    }

    @Test
    void shouldDealARunsJobsEvenlyOverThePartitions() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka())) {
            TopicSetup.ensureTopics(admin, topics, "cpu", 4, (short) 1);
        }
        Path file = dir.resolve("ten.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add("{\"id\": \"p" + i + "\", \"messages\": [{\"role\": \"user\", \"content\": \"q" + i + "\"}]}");
        }
        Files.writeString(file, String.join("\n", lines));

        new RunProducer(kafka(), topics, Clock.systemUTC())
                .enqueue("ten-run", PromptSetReader.read(file), "ten", "cpu", GenerationParams.DEFAULTS, null, null, Slo.NONE);

        Map<Integer, Long> perPartition = readAll(topics.jobs("cpu"), 10).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()));
        // 10 jobs on 4 partitions: two get 3 and two get 2; a hash of the keys would not promise that.
        assertThat(perPartition).hasSize(4);
        assertThat(perPartition.values()).containsExactlyInAnyOrder(3L, 3L, 2L, 2L);
    }

    /** Reads a topic from the start with read_committed, until {@code expected} records arrived. */
    private List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka(), topic)) {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .until(() -> {
                out.addAll(reader.poll(Duration.ofMillis(200)));
                return out.size() >= expected;
            });
            assertThat(out).hasSize(expected);
            return out;
        }
    }
}
