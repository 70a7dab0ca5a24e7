package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.BrokerExtension;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad input stops at the door with one clear line, the right exit code, and nothing enqueued or consumed. */
class BadInputIT {
    @RegisterExtension
    static final BrokerExtension broker = new BrokerExtension();

    @TempDir
    Path dir;
    private String prefix;
    private Topics topics;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void createTopics() {
        prefix = "t-" + UUID.randomUUID();
        topics = new Topics(prefix);
        try (Admin admin = admin()) {
            TopicSetup.ensureTopics(admin, topics, "default", 4, (short) 1);
        }
        // A topic created a moment ago may not have its partitions' leaders yet (UnknownTopicOrPartition): wait for them,
        // so that a command refused within milliseconds can be checked at once.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> recordsIn(topics.jobs("default")) >= 0);
    }

    private Admin admin() {
        return Admin.create(broker.clientProperties());
    }

    private int evalctl(String... args) {
        return EvalCtl.execute(new PrintWriter(err, true), args);
    }

    private long recordsIn(String topic) throws Exception {
        try (Admin admin = admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
            for (int i = 0; i < partitions; i++) {
                ends.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(ends).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    @Test
    void shouldEnqueueNothingFromAMalformedPromptFile() throws Exception {
        Path prompts = dir.resolve("bad.jsonl");
        Files.writeString(prompts, """
                {"id": "ok-1", "messages": [{"role": "user", "content": "fine"}]}
                {"id": "ok-2", "messages": [{"role": "user", "content": "also fine"}]}
                {"id": "broken", "messages": [{"role": "user", "content": "no closing brace"}]
                """);

        int code = evalctl("produce", "--prompts", prompts.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic-prefix", prefix);

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).startsWith("evalctl: " + prompts + ":3: malformed JSON");
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(recordsIn(topics.jobs("default"))).isZero();
        assertThat(recordsIn(topics.manifests())).isZero();
    }

    @Test
    void shouldRejectAnOutOfRangeOptionBeforeEnqueueing() throws Exception {
        int code = evalctl("produce", "--prompts", EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix, "--temperature", "3");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("--temperature: must be between 0 and 2, got 3.0");
        assertThat(recordsIn(topics.jobs("default"))).isZero();
    }

    @Test
    void shouldStopAWorkerWithAMissingModelBeforeItTakesAJob() throws Exception {
        enqueueOneJob();
        Path missing = dir.resolve("no-such-model.gguf");

        int code = evalctl("worker", "--model", missing.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic-prefix", prefix, "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString());

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(err.toString().strip()).isEqualTo("evalctl: model file " + missing + " does not exist");
        assertNothingConsumed();
    }

    @Test
    void shouldStopAWorkerWithACorruptModelBeforeItTakesAJob() throws Exception {
        enqueueOneJob();
        Path corrupt = dir.resolve("corrupt.gguf");
        Files.write(corrupt, "GGUF but then nothing sensible follows".getBytes());

        int code = evalctl("worker", "--model", corrupt.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic-prefix", prefix, "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString());

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains(corrupt.toString());
        assertNothingConsumed();
    }

    @Test
    void shouldRefuseDeviceGpuWithoutAGpuBuildInsteadOfRunningOnTheCpu() throws Exception {
        enqueueOneJob();

        int code = evalctl("worker", "--model", TestModels.tiny().toString(), "--device", "gpu", "--gpu-layers", "999",
                "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix,
                "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString());

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(err.toString()).contains("device gpu asked for, but the llama.cpp library in use has no GPU backend");
        assertNothingConsumed();
    }

    @Test
    void shouldRejectMorePinnedThreadsThanCoresAsUsage() {
        int code = evalctl("worker", "--model", TestModels.tiny().toString(), "--cpu-range", "0-1", "--threads", "3",
                "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix);

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("threads (3) exceed the cores of cpu range 0-1");
    }

    @Test
    void shouldRejectAnInvalidSchemaFileNamingIt() throws Exception {
        Path schema = dir.resolve("broken.schema.json");
        Files.writeString(schema, "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": 5}");

        int code = evalctl("run", "--prompts", EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--schema", schema.toString(), "--model", TestModels.tiny().toString());

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains(schema.toString());
    }

    private void enqueueOneJob() {
        Properties p = broker.clientProperties();
        Job job = new Job(Messages.SCHEMA_VERSION, "run-x", "p1", List.of(new ChatMessage("user", "hi")), GenerationParams.NONE, Instant.now());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.jobs("default"), "run-x/p1", Json.encode(job)));
        }
    }

    private void assertNothingConsumed() throws Exception {
        try (Admin admin = admin()) {
            var offsets = admin.listConsumerGroupOffsets(topics.workerGroup("default")).partitionsToOffsetAndMetadata().get();
            assertThat(offsets.keySet()).noneMatch(tp -> tp.topic().equals(topics.jobs("default")));
            String queue = topics.workerQueue("default");
            try {
                var share = admin.listShareGroupOffsets(Map.of(queue, new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec()))
                        .all().get().getOrDefault(queue, Map.of());
                assertThat(share.entrySet()).as("no job acknowledged by the pool's share group")
                        .noneMatch(e -> e.getKey().topic().equals(topics.jobs("default")) && e.getValue() != null
                                && e.getValue().startOffset() > 0);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).as("no share group, so nothing taken").isInstanceOf(org.apache.kafka.common.errors.GroupIdNotFoundException.class);
            }
        }
        assertThat(recordsIn(topics.jobs("default"))).isEqualTo(1);
    }
}
