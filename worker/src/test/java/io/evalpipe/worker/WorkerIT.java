package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.BrokerExtension;
import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.QueueSettings;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.ShareGroups;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.engine.EngineUnavailableException;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The worker's queues on a real broker, in both modes: the pool's share group, and the consumer group a
 * cluster without share groups leaves. The engine is scripted, since Kafka is what is under test here.
 */
class WorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final BrokerExtension broker = new BrokerExtension();

    private final ReplyValidator validator = ReplyValidator.fromText(
            "{\"type\": \"object\", \"properties\": {\"ok\": {\"type\": \"boolean\"}}, \"required\": [\"ok\"]}", "test");
    private Topics topics;
    private final List<Worker> workers = new ArrayList<>();
    private final List<WorkerState> states = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createTopics() {
        topics = new Topics("t-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka())) {
            // The production layout: one job partition on this broker, which has share groups.
            TopicSetup.ensureTopics(admin, topics, "cpu", TopicSetup.jobPartitions(ShareGroups.detect(admin), 4), (short) 1);
        }
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::close);
    }

    private Properties kafka() {
        return broker.clientProperties();
    }

    private Worker startWorker(FakeEngine engine, int slots, Worker.Mode mode) {
        return startWorker(engine, new Worker.Settings(slots, new JobLimits(4096, Duration.ofMinutes(10)), mode,
                QueueSettings.DEFAULT, Duration.ofMinutes(5)), kafka());
    }

    private Worker startWorker(FakeEngine engine, Worker.Settings settings, Properties kafka) {
        String id = "w" + workers.size();
        JobRunner runner = new JobRunner(engine, validator, ReplyValidator.Mode.STRICT, id, "cpu",
                new Lineage("fake", "none", null, 0, settings.slots(), null, 0), Clock.systemUTC());
        Worker w = new Worker(kafka, topics, "cpu", id, settings, runner).onStatus((state, detail) -> states.add(state));
        new Thread(w, "worker-under-test-" + id).start();
        workers.add(w);
        return w;
    }

    private static Job job(String runId, String promptId, GenerationParams params) {
        return new Job(Messages.SCHEMA_VERSION, runId, promptId, List.of(new ChatMessage("user", "question " + promptId)),
                params, Instant.now());
    }

    private void sendJobs(String runId, int count) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(Json.encode(job(runId, "p" + i, GenerationParams.NONE)));
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

    private List<EvalResult> awaitResults(int expected) {
        return awaitRecords(topics.results(), expected).stream()
                .map(r -> Messages.RESULT.deserializer().deserialize(null, r.value())).toList();
    }

    /**
     * Every job is done with for good: committed, on a consumer group; on a share group (whose offsets
     * Kafka persists lazily, so they cannot be counted), the workers leave and a new member of the group
     * is handed nothing for a few seconds.
     */
    private void awaitAllAcknowledged(Worker.Mode mode, int jobs) throws Exception {
        if (mode == Worker.Mode.CLASSIC) {
            await().atMost(WAIT).until(() -> committedJobs() == jobs);
            return;
        }
        workers.forEach(Worker::close);
        Properties probe = kafka();
        probe.put("group.id", topics.workerQueue("cpu"));
        probe.put("share.acknowledgement.mode", "explicit");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaShareConsumer<String, byte[]>(probe,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.jobs("cpu")));
            List<String> handedOut = new ArrayList<>();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    handedOut.add(r.key());
                    consumer.acknowledge(r, org.apache.kafka.clients.consumer.AcknowledgeType.RELEASE);
                });
                return handedOut.isEmpty();
            });
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

    private static String reason(ConsumerRecord<String, byte[]> deadLetter) {
        return new String(deadLetter.headers().lastHeader(ResultPublisher.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE", "CLASSIC"})
    void shouldPublishOneResultPerJobAndAcknowledgeEveryJob(Worker.Mode mode) throws Exception {
        startWorker(FakeEngine.replying("{\"ok\": true}"), 1, mode);
        sendJobs("run-a", 6);

        List<EvalResult> results = awaitResults(6);

        assertThat(results).extracting(EvalResult::promptId).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4", "p5");
        assertThat(results).allMatch(r -> r.status() == ResultStatus.PASS && r.runId().equals("run-a"));
        awaitAllAcknowledged(mode, 6);
    }

    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE", "CLASSIC"})
    void shouldKeepAtMostSlotsJobsInFlightAndAcknowledgeNothingUnfinished(Worker.Mode mode) throws Exception {
        FakeEngine engine = FakeEngine.replying("{\"ok\": true}").hold();
        startWorker(engine, 2, mode);
        sendJobs("run-b", 5);

        await().atMost(WAIT).until(() -> engine.running() == 2);
        // While both slots are busy the worker takes no third job.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> engine.running() == 2);
        if (mode == Worker.Mode.CLASSIC) {
            assertThat(committedJobs()).as("no job is committed before its result is published").isZero();
        }

        engine.release();
        awaitResults(5);
        assertThat(engine.maxRunning()).isEqualTo(2);
        awaitAllAcknowledged(mode, 5);
    }

    @Test
    void shouldRunEveryOtherJobWhileOneSlotIsBusyWithASlowOne() {
        // Seen with four partitions: the share assignor gave two to each slot, and jobs queued behind the slow one.
        java.util.concurrent.CountDownLatch slowDone = new java.util.concurrent.CountDownLatch(1);
        FakeEngine engine = new FakeEngine(r -> {
            if (r.messages().get(0).content().equals("question p0")) {
                try {
                    slowDone.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeEngine.completion("{\"ok\": true}", FinishReason.STOP);
        });
        startWorker(engine, 2, Worker.Mode.SHARE);
        sendJobs("run-s", 1);
        await().atMost(WAIT).until(() -> engine.running() == 1);
        List<byte[]> others = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            others.add(Json.encode(job("run-s", "p" + i, GenerationParams.NONE)));
        }
        sendRaw(others);

        List<EvalResult> results = new ArrayList<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka(), topics.results())) {
            await().atMost(WAIT).pollInSameThread().until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> results.add(Messages.RESULT.deserializer().deserialize(null, r.value())));
                return results.size() >= 7;
            });
        }
        assertThat(results).extracting(EvalResult::promptId).containsExactlyInAnyOrder("p1", "p2", "p3", "p4", "p5", "p6", "p7");
        assertThat(engine.running()).as("the slow job is still running").isEqualTo(1);
        slowDone.countDown();
    }

    @Test
    void shouldLetThreeWorkersShareTheJobsOfAOnePartitionTopic() {
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(new NewTopic(topics.jobs("one"), 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        // Every worker holds its job until all three hold one: only then can any finish.
        FakeEngine engine = FakeEngine.replying("{\"ok\": true}").hold();
        List<Worker> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "one-" + i;
            JobRunner runner = new JobRunner(engine, validator, ReplyValidator.Mode.STRICT, id, "one",
                    new Lineage("fake", "none", null, 0, 1, null, 0), Clock.systemUTC());
            Worker w = new Worker(kafka(), topics, "one", id, Worker.Settings.of(1, new JobLimits(4096, Duration.ofMinutes(10))), runner);
            new Thread(w, id).start();
            three.add(w);
            workers.add(w);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka(), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 9; i++) {
                producer.send(new ProducerRecord<>(topics.jobs("one"), Json.encode(job("run-one", "p" + i, GenerationParams.NONE))));
            }
        }

        await().atMost(WAIT).until(() -> engine.running() == 3);
        engine.release();

        List<EvalResult> results = awaitResults(9);
        assertThat(results).extracting(EvalResult::promptId).hasSize(9).doesNotHaveDuplicates();
        assertThat(results.stream().map(EvalResult::workerId).distinct()).containsExactlyInAnyOrder("one-0", "one-1", "one-2");
    }

    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE", "CLASSIC"})
    void shouldDeadLetterPoisonJobsAndKeepGoing(Worker.Mode mode) throws Exception {
        startWorker(FakeEngine.replying("{\"ok\": true}"), 1, mode);
        Job unknownVersion = new Job(99, "run-c", "future", List.of(new ChatMessage("user", "x")), GenerationParams.NONE, Instant.now());
        Job empty = new Job(Messages.SCHEMA_VERSION, "run-c", "blank", List.of(new ChatMessage("user", "  ")), GenerationParams.NONE, Instant.now());
        sendRaw(List.of("not json at all".getBytes(StandardCharsets.UTF_8), Json.encode(unknownVersion), Json.encode(empty),
                Json.encode(job("run-c", "good", GenerationParams.NONE))));

        Set<String> reasons = new HashSet<>();
        awaitRecords(topics.deadLetters(), 3).forEach(r -> reasons.add(reason(r)));
        assertThat(reasons).anyMatch(s -> s.startsWith("not a valid Job"))
                .anyMatch(s -> s.startsWith("unknown schema version 99"))
                .anyMatch(s -> s.equals("empty prompt"));

        // The good job still runs; the two poison jobs that name their prompt become error rows.
        assertThat(awaitResults(3)).extracting(EvalResult::promptId, EvalResult::status).containsExactlyInAnyOrder(
                tuple("good", ResultStatus.PASS), tuple("future", ResultStatus.ERROR), tuple("blank", ResultStatus.ERROR));
        awaitAllAcknowledged(mode, 4);
    }

    /** The job's handling is the same in both modes; the share group, the default, is what runs it here. */
    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE"})
    void shouldDeadLetterAJobTheEngineRefusesAndReportItAsAnError(Worker.Mode mode) throws Exception {
        FakeEngine engine = new FakeEngine(request -> {
            if (request.messages().get(0).content().endsWith("huge")) {
                throw new IllegalStateException("prompt of 9000 tokens does not fit the context of 4096");
            }
            return FakeEngine.completion("{\"ok\": true}", FinishReason.STOP);
        });
        startWorker(engine, 1, mode);
        sendRaw(List.of(Json.encode(job("run-d", "huge", GenerationParams.NONE)), Json.encode(job("run-d", "fine", GenerationParams.NONE))));

        assertThat(reason(awaitRecords(topics.deadLetters(), 1).get(0))).isEqualTo("prompt of 9000 tokens does not fit the context of 4096");
        assertThat(awaitResults(2)).extracting(EvalResult::promptId, EvalResult::failureReason)
                .containsExactlyInAnyOrder(tuple("huge", "engine_error"), tuple("fine", null));
        awaitAllAcknowledged(mode, 2);
    }

    /** The job's handling is the same in both modes; the share group, the default, is what runs it here. */
    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE"})
    void shouldRefuseJobsOutsideItsCapsWithoutRunningThem(Worker.Mode mode) {
        FakeEngine engine = FakeEngine.replying("{\"ok\": true}");
        startWorker(engine, 1, mode);
        GenerationParams billion = new GenerationParams(1_000_000_000, null, null, null, null, null, null, null, null);
        GenerationParams overContext = new GenerationParams(5_000, null, null, null, null, null, null, null, null);
        GenerationParams forever = new GenerationParams(null, null, null, null, null, null, null, Long.MAX_VALUE, null);
        sendRaw(List.of(Json.encode(job("run-e", "billion", billion)), Json.encode(job("run-e", "over-context", overContext)),
                Json.encode(job("run-e", "forever", forever)), Json.encode(job("run-e", "fine", GenerationParams.NONE))));

        List<String> reasons = awaitRecords(topics.deadLetters(), 3).stream().map(WorkerIT::reason).toList();
        assertThat(reasons).containsExactlyInAnyOrder(
                "job parameter out of range: max_tokens: must be between 1 and 32768, got 1000000000",
                "job parameter over this worker's cap: max_tokens 5000 > 4096 (--max-job-tokens; by default the slot's context)",
                "job parameter over this worker's cap: timeout_ms 9223372036854775807 > 600000 (--max-job-timeout)");
        assertThat(awaitResults(4)).extracting(EvalResult::promptId, EvalResult::status).containsExactlyInAnyOrder(
                tuple("billion", ResultStatus.ERROR), tuple("over-context", ResultStatus.ERROR), tuple("forever", ResultStatus.ERROR),
                tuple("fine", ResultStatus.PASS));
        assertThat(engine.requests()).as("only the job within the caps reached the engine").hasSize(1);
    }

    /** The job's handling is the same in both modes; the share group, the default, is what runs it here. */
    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE"})
    void shouldPublishAResultTooLargeForTheTopicWithItsOutputCutAndGoOn(Worker.Mode mode) {
        Properties small = kafka();
        small.put("max.request.size", "4000");
        String big = "{\"ok\": true, \"pad\": \"" + "x".repeat(20_000) + "\"}";
        FakeEngine engine = new FakeEngine(r -> FakeEngine.completion(r.messages().get(0).content().endsWith("big") ? big : "{\"ok\": true}",
                FinishReason.STOP));
        startWorker(engine, new Worker.Settings(1, new JobLimits(4096, Duration.ofMinutes(10)), mode, QueueSettings.DEFAULT,
                Duration.ofMinutes(5)), small);
        sendRaw(List.of(Json.encode(job("run-f", "big", GenerationParams.NONE)), Json.encode(job("run-f", "next", GenerationParams.NONE))));

        List<EvalResult> results = awaitResults(2);
        EvalResult cut = results.stream().filter(r -> r.promptId().equals("big")).findFirst().orElseThrow();
        assertThat(cut.output()).isNotEmpty().hasSizeLessThan(4000);
        assertThat(big).startsWith(cut.output());
        assertThat(cut.notes()).anySatisfy(n -> assertThat(n).startsWith("output cut from " + big.length() + " to " + cut.output().length()));
        assertThat(results).extracting(EvalResult::promptId).containsExactlyInAnyOrder("big", "next");
        assertThat(workers.get(0).failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE", "CLASSIC"})
    void shouldHoldAJobWhileTheEngineIsUnavailableAndRunItOnceItIsBack(Worker.Mode mode) {
        AtomicBoolean down = new AtomicBoolean(true);
        FakeEngine engine = new FakeEngine(r -> {
            if (down.get()) {
                throw new EngineUnavailableException("Cannot connect to http://127.0.0.1:1/v1/chat/completions: connection refused");
            }
            return FakeEngine.completion("{\"ok\": true}", FinishReason.STOP);
        });
        startWorker(engine, 1, mode);
        sendJobs("run-g", 2);

        await().atMost(WAIT).until(() -> states.contains(WorkerState.DEGRADED) && engine.requests().size() >= 2);
        down.set(false);

        assertThat(awaitResults(2)).extracting(EvalResult::promptId, EvalResult::status)
                .containsExactlyInAnyOrder(tuple("p0", ResultStatus.PASS), tuple("p1", ResultStatus.PASS));
        await().atMost(WAIT).until(() -> states.get(states.size() - 1) == WorkerState.READY);
        assertThat(awaitRecords(topics.deadLetters(), 0)).isEmpty();
    }

    @Test
    void shouldKeepItsJobWhileAGenerationOutlastsTheLock() {
        try (Admin admin = Admin.create(kafka())) {
            ShareGroups.configure(admin, topics.workerQueue("cpu"), new QueueSettings(3, Duration.ofSeconds(5)), true);
        }
        FakeEngine slow = FakeEngine.replying("{\"ok\": true}").hold();
        startWorker(slow, 1, Worker.Mode.SHARE);
        sendJobs("run-l", 1);
        await().atMost(WAIT).until(() -> slow.running() == 1);
        FakeEngine idle = FakeEngine.replying("{\"ok\": true}");
        startWorker(idle, 1, Worker.Mode.SHARE);

        // Past the 5 s lock, twice over: renewed every 1.7 s, the job stays where it is.
        await().during(Duration.ofSeconds(11)).atMost(Duration.ofSeconds(16)).until(() -> idle.requests().isEmpty());
        slow.release();

        assertThat(awaitResults(1)).extracting(EvalResult::promptId, EvalResult::workerId).containsExactly(tuple("p0", "w0"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> idle.requests().isEmpty());
        assertThat(slow.requests()).hasSize(1);
    }

    @Test
    void shouldHandBackTheJobInHandAtOnceWhenClosedSoThatAnotherWorkerRunsIt() {
        FakeEngine slow = FakeEngine.replying("{\"ok\": true}").hold();
        Worker first = startWorker(slow, 1, Worker.Mode.SHARE);
        sendJobs("run-h", 1);
        await().atMost(WAIT).until(() -> slow.running() == 1);

        long t0 = System.nanoTime();
        first.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Worker.STOP_WITHIN);

        startWorker(FakeEngine.replying("{\"ok\": true}"), 1, Worker.Mode.SHARE);
        List<EvalResult> results = awaitResults(1);
        assertThat(results).extracting(EvalResult::promptId, EvalResult::workerId).containsExactly(tuple("p0", "w1"));
        slow.release();
    }

    @Test
    void shouldReportAJobOnItsLastDeliveryInsteadOfRunningItAgain() {
        try (Admin admin = Admin.create(kafka())) {
            ShareGroups.configure(admin, topics.workerQueue("cpu"), new QueueSettings(2, Duration.ofSeconds(30)), true);
            // configure waits until the broker shows it: the worker must then read it, not overwrite it.
        }
        FakeEngine dies = FakeEngine.replying("{\"ok\": true}").hold();
        Worker first = startWorker(dies, 1, Worker.Mode.SHARE);
        sendJobs("run-i", 1);
        await().atMost(WAIT).until(() -> dies.running() == 1);
        first.close(); // its delivery ends without a result, as a crash would end it
        FakeEngine second = FakeEngine.replying("{\"ok\": true}");
        startWorker(second, 1, Worker.Mode.SHARE);

        List<EvalResult> results = awaitResults(1);
        assertThat(results).extracting(EvalResult::promptId, EvalResult::failureReason).containsExactly(tuple("p0", "engine_crash"));
        assertThat(results.get(0).validationErrors().get(0)).contains("delivered 2 times without a result");
        assertThat(reason(awaitRecords(topics.deadLetters(), 1).get(0))).contains("delivered 2 times");
        assertThat(second.requests()).as("the last delivery is not run").isEmpty();
        dies.release();
    }

    @Test
    void shouldNotRunAJobThatHasEndedItsWorkerTwiceOnAConsumerGroup() throws Exception {
        Job job = job("run-j", "poison", GenerationParams.NONE);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka(), new StringSerializer(), new ByteArraySerializer())) {
            // Two starts that never ended in a result, as two dead workers leave them.
            var attempt = new io.evalpipe.contracts.Attempt(Messages.SCHEMA_VERSION, "run-j", "poison", 2, "dead-worker", Instant.now());
            producer.send(new ProducerRecord<>(topics.attempts(), io.evalpipe.contracts.Attempt.key("run-j", "poison"),
                    Messages.ATTEMPT.serializer().serialize(null, attempt))).get();
        }
        FakeEngine engine = FakeEngine.replying("{\"ok\": true}");
        startWorker(engine, 1, Worker.Mode.CLASSIC);
        sendRaw(List.of(Json.encode(job), Json.encode(job("run-j", "fine", GenerationParams.NONE))));

        assertThat(awaitResults(2)).extracting(EvalResult::promptId, EvalResult::failureReason)
                .containsExactlyInAnyOrder(tuple("poison", "engine_crash"), tuple("fine", null));
        assertThat(engine.requests()).hasSize(1);
        awaitAllAcknowledged(Worker.Mode.CLASSIC, 2);
    }

    @Test
    void shouldFallBackToTheConsumerGroupOnAClusterWithoutShareGroups() throws Exception {
        try (EmbeddedKafkaBroker old = EmbeddedKafkaBroker.startWithoutShareGroups()) {
            Properties props = new Properties();
            props.put("bootstrap.servers", old.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                assertThat(ShareGroups.detect(admin).available()).isFalse();
                TopicSetup.ensureTopics(admin, topics, "cpu", 2, (short) 1);
            }
            Worker w = startWorker(FakeEngine.replying("{\"ok\": true}"), Worker.Settings.of(1, new JobLimits(4096, Duration.ofMinutes(10))), props);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(topics.jobs("cpu"), Json.encode(job("run-k", "p" + i, GenerationParams.NONE))));
                }
            }
            List<ConsumerRecord<String, byte[]>> out = Collections.synchronizedList(new ArrayList<>());
            try (TopicReader reader = TopicReader.fromBeginning(props, topics.results())) {
                await().atMost(WAIT).pollInSameThread().until(() -> {
                    out.addAll(reader.poll(Duration.ofMillis(200)));
                    return out.size() >= 3;
                });
            }
            try (Admin admin = Admin.create(props)) {
                await().atMost(WAIT).until(() -> admin.listConsumerGroupOffsets(topics.workerGroup("cpu")).partitionsToOffsetAndMetadata()
                        .get().values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 3);
            }
            w.close();
        }
    }
}
