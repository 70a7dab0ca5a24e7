package io.evalpipe.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Shared by the tests that do not stop their broker; each test uses its own topics. */
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSharedBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopSharedBroker() {
        if (broker != null) {
            Path dataDir = broker.dataDir();
            broker.close();
            assertThat(dataDir).as("temp data dir is deleted on close").doesNotExist();
        }
    }

    @Test
    void shouldStartOnLoopbackAndAcceptTopicCreation() throws Exception {
        String topic = uniqueTopic("created");

        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.port()).isPositive();
        assertThat(broker.dataDir()).isDirectory().isNotEmptyDirectory();
        try (Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).contains(topic);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            assertThat(description.partitions()).hasSize(3);
        }
    }

    @Test
    void shouldShowCommittedTransactionsButNotAbortedOnesToReadCommittedConsumer() throws Exception {
        String topic = uniqueTopic("transactions");
        createTopic(broker, topic);

        try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "run-1", "committed-1"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "run-2", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "run-3", "committed-2"));
            producer.commitTransaction();
        }

        // Records come back in offset order, so once the last committed value arrives the aborted one was skipped.
        assertThat(readValuesUntil(broker, topic, "read_committed", "committed-2"))
                .containsExactly("committed-1", "committed-2");
        // The aborted record really is in the log: only the isolation level hides it.
        assertThat(readValuesUntil(broker, topic, "read_uncommitted", "committed-2"))
                .containsExactly("committed-1", "aborted", "committed-2");
    }

    @Test
    void shouldKeepCommittedRecordWhenRestartedOnSameDataDirAndPort(@TempDir Path tempDir) throws Exception {
        Path dataDir = tempDir.resolve("kafka-data");
        String topic = uniqueTopic("restart");
        int port;

        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(dataDir, 0)) {
            port = first.port();
            assertThat(first.dataDir()).isEqualTo(dataDir);
            createTopic(first, topic);
            try (KafkaProducer<String, String> producer = transactionalProducer(first)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "run-1", "survivor"));
                producer.commitTransaction();
            }
        }
        assertThat(dataDir).as("a caller-owned data dir is kept on close").isNotEmptyDirectory();

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(dataDir, port)) {
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(readValuesUntil(second, topic, "read_committed", "survivor")).containsExactly("survivor");
        }
    }

    @Test
    void shouldFailWithClearMessageWhenClientPortIsInUse(@TempDir Path tempDir) throws IOException {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = occupied.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(tempDir.resolve("kafka-data"), port))
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("already in use");
        }
        assertThat(Files.exists(tempDir.resolve("kafka-data").resolve("meta.properties"))).isFalse();
    }

    @Test
    void shouldRefuseDataDirOfRunningBroker() {
        // A second broker on the same dir would run a second controller on the same metadata log.
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(broker.dataDir(), 0))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining(broker.dataDir().toString())
                .hasMessageContaining("in use");
        assertThat(broker.dataDir()).isNotEmptyDirectory();
    }

    private static String uniqueTopic(String purpose) {
        return "broker-test-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Admin admin(EmbeddedKafkaBroker target) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers()));
    }

    private static void createTopic(EmbeddedKafkaBroker target, String topic) throws Exception {
        try (Admin admin = admin(target)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker target) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test-" + UUID.randomUUID(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads partition 0 from the beginning, without a consumer group, until lastValue has been read. */
    private static List<String> readValuesUntil(EmbeddedKafkaBroker target, String topic, String isolationLevel, String lastValue) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.contains(lastValue);
            });
        }
        return values;
    }
}
