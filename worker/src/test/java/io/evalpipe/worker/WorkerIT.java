package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's consumer loop on a real broker; the engine is scripted, since Kafka is what is under test here. */
class WorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    private final ReplyValidator validator = ReplyValidator.fromText(
            "{\"type\": \"object\", \"properties\": {\"ok\": {\"type\": \"boolean\"}}, \"required\": [\"ok\"]}", "test");
    private Topics topics;
    private final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void createTopics() {
        topics = new Topics("t-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka())) {
            TopicSetup.ensureTopics(admin, topics, "cpu", 4, (short) 1);
        }
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::close);
    }

    private Properties kafka() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        return p;
    }

    private Worker startWorker(FakeEngine engine, int slots) {
        JobRunner runner = new JobRunner(engine, validator, ReplyValidator.Mode.STRICT, "w" + workers.size(), "cpu",
                new Lineage("fake", "none", null, 0, slots, null, 0), Clock.systemUTC());
        Worker w = new Worker(kafka(), topics, "cpu", "w" + workers.size(), slots, runner);
        new Thread(w, "worker-under-test").start();
        workers.add(w);
        return w;
    }

    private void sendJobs(String runId, int count) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(Json.encode(new Job(Messages.SCHEMA_VERSION, runId, "p" + i,
                    List.of(new ChatMessage("user", "question " + i)), GenerationParams.NONE, Instant.now())));
        }
        sendRaw(values);
    }

    private void sendRaw(List<byte[]> values) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka(), new StringSerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topics.jobs("cpu"), "k" + i++, v));
            }
        }
    }


    private List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka(), topic)) {
            await().atMost(WAIT).pollInSameThread().until(() -> {
                out.addAll(reader.poll(Duration.ofMillis(200)));
                return out.size() >= expected;
            });
            return out;
        }
    }

    private long committedJobs() throws Exception {
        try (Admin admin = Admin.create(kafka())) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(topics.workerGroup("cpu")).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topics.jobs("cpu")) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    @Test
    void shouldPublishOneResultPerJobAndCommitEveryJob() throws Exception {
        startWorker(FakeEngine.replying("{\"ok\": true}"), 1);
        sendJobs("run-a", 6);

        List<EvalResult> results = awaitRecords(topics.results(), 6).stream()
                .map(r -> Messages.RESULT.deserializer().deserialize(null, r.value())).toList();

        assertThat(results).extracting(EvalResult::promptId).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4", "p5");
        assertThat(results).allMatch(r -> r.status() == ResultStatus.PASS && r.runId().equals("run-a"));
        await().atMost(WAIT).until(() -> committedJobs() == 6);
    }

    @Test
    void shouldKeepAtMostSlotsJobsInFlightAndCommitNothingUnfinished() throws Exception {
        FakeEngine engine = FakeEngine.replying("{\"ok\": true}").hold();
        startWorker(engine, 2);
        sendJobs("run-b", 5);

        await().atMost(WAIT).until(() -> engine.running() == 2);
        // While both slots are busy the worker keeps polling (paused) but takes no third job.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> engine.running() == 2);
        assertThat(committedJobs()).as("no job is committed before its result is published").isZero();

        engine.release();
        awaitRecords(topics.results(), 5);
        await().atMost(WAIT).until(() -> committedJobs() == 5);
        assertThat(engine.maxRunning()).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterPoisonJobsAndKeepGoing() throws Exception {
        startWorker(FakeEngine.replying("{\"ok\": true}"), 1);
        Job unknownVersion = new Job(99, "run-c", "future", List.of(new ChatMessage("user", "x")), GenerationParams.NONE, Instant.now());
        Job empty = new Job(Messages.SCHEMA_VERSION, "run-c", "blank", List.of(new ChatMessage("user", "  ")), GenerationParams.NONE, Instant.now());
        Job good = new Job(Messages.SCHEMA_VERSION, "run-c", "good", List.of(new ChatMessage("user", "x")), GenerationParams.NONE, Instant.now());
        sendRaw(List.of("not json at all".getBytes(StandardCharsets.UTF_8), Json.encode(unknownVersion), Json.encode(empty), Json.encode(good)));

        List<ConsumerRecord<String, byte[]>> dead = awaitRecords(topics.deadLetters(), 3);
        Set<String> reasons = new java.util.HashSet<>();
        dead.forEach(r -> reasons.add(new String(r.headers().lastHeader("evalpipe.dlq.reason").value(), StandardCharsets.UTF_8)));
        assertThat(reasons).anyMatch(s -> s.startsWith("not a valid Job"))
                .anyMatch(s -> s.startsWith("unknown schema version 99"))
                .anyMatch(s -> s.equals("empty prompt"));

        // The good job still runs; the two poison jobs that name their prompt become error rows.
        List<EvalResult> results = awaitRecords(topics.results(), 3).stream()
                .map(r -> Messages.RESULT.deserializer().deserialize(null, r.value())).toList();
        assertThat(results).extracting(EvalResult::promptId, EvalResult::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("good", ResultStatus.PASS),
                org.assertj.core.groups.Tuple.tuple("future", ResultStatus.ERROR),
                org.assertj.core.groups.Tuple.tuple("blank", ResultStatus.ERROR));
        await().atMost(WAIT).until(() -> committedJobs() == 4);
    }

    @Test
    void shouldDeadLetterAJobTheEngineRefusesAndReportItAsAnError() throws Exception {
        FakeEngine engine = new FakeEngine(request -> {
            if (request.messages().get(0).content().startsWith("huge")) {
                throw new IllegalStateException("prompt of 9000 tokens does not fit the context of 4096");
            }
            return FakeEngine.completion("{\"ok\": true}", io.evalpipe.worker.engine.FinishReason.STOP);
        });
        startWorker(engine, 1);
        Job huge = new Job(Messages.SCHEMA_VERSION, "run-d", "huge", List.of(new ChatMessage("user", "huge prompt")), GenerationParams.NONE, Instant.now());
        Job fine = new Job(Messages.SCHEMA_VERSION, "run-d", "fine", List.of(new ChatMessage("user", "x")), GenerationParams.NONE, Instant.now());
        sendRaw(List.of(Json.encode(huge), Json.encode(fine)));

        List<ConsumerRecord<String, byte[]>> dead = awaitRecords(topics.deadLetters(), 1);
        assertThat(new String(dead.get(0).headers().lastHeader("evalpipe.dlq.reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("prompt of 9000 tokens does not fit the context of 4096");
        List<EvalResult> results = awaitRecords(topics.results(), 2).stream()
                .map(r -> Messages.RESULT.deserializer().deserialize(null, r.value())).toList();
        assertThat(results).extracting(EvalResult::promptId, EvalResult::failureReason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("huge", "engine_error"),
                org.assertj.core.groups.Tuple.tuple("fine", null));
        await().atMost(WAIT).until(() -> committedJobs() == 2);
    }
}
