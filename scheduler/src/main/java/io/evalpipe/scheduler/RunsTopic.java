package io.evalpipe.scheduler;

import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted runs topic as a small database: run summaries under their run id, approvals under
 * {@link Topics#approvalKey}. Reading it whole is cheap (one record per run and suite survives
 * compaction), so every question is answered from a fresh full read rather than a cache that
 * could miss an approval made on another machine.
 */
public final class RunsTopic {
    private static final Logger log = LoggerFactory.getLogger(RunsTopic.class);
    private static final String APPROVAL_PREFIX = Topics.approvalKey("");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Properties kafka;
    private final Topics topics;

    public RunsTopic(Properties kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /** Reads the topic from its beginning to its current end. */
    public RunHistory read() {
        Map<String, RunSummary> runs = new HashMap<>();
        Map<String, Approval> approvals = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end offsets are the last stable ones: an open transaction cannot hold us up.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read " + topics.runs() + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    apply(record, runs, approvals);
                }
            }
        }
        return new RunHistory(runs, approvals);
    }

    /**
     * Opens a watch positioned at the topic's current end: open it before enqueueing a run, so that
     * a summary published soon after cannot be missed.
     */
    public SummaryWatch watch() {
        KafkaConsumer<String, byte[]> consumer = newConsumer();
        List<TopicPartition> partitions = partitions(consumer);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // seekToEnd is lazy: resolve it now, before the run exists
        return new SummaryWatch(consumer);
    }

    /** Publishes an approval and returns once the broker has it. */
    public void publish(Approval approval) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.runs(), Topics.approvalKey(approval.suite()),
                    Messages.APPROVAL.serializer().serialize(topics.runs(), approval))).get(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing the approval", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish the approval to " + topics.runs() + ": " + e.getMessage(), e);
        }
    }

    /** Follows the topic for one run's summary. */
    public final class SummaryWatch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;

        private SummaryWatch(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        /**
         * @param keepWaiting checked between polls; false gives up
         * @return the run's summary, or null when the timeout passed or {@code keepWaiting} said stop
         */
        public RunSummary await(String runId, Duration timeout, BooleanSupplier keepWaiting) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (keepWaiting.getAsBoolean() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (runId.equals(record.key())) {
                        RunSummary summary = decode(record, RunSummary.class);
                        if (summary != null) {
                            return summary;
                        }
                    }
                }
            }
            return null;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Properties props = new Properties();
        props.putAll(kafka);
        // Only what the aggregator committed counts: it is what the report holds.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A reader, not a group member: it reads every partition and commits nothing.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        var infos = consumer.partitionsFor(topics.runs());
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topics.runs() + " does not exist");
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void apply(ConsumerRecord<String, byte[]> record, Map<String, RunSummary> runs, Map<String, Approval> approvals) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (key.startsWith(APPROVAL_PREFIX)) {
            String suite = key.substring(APPROVAL_PREFIX.length());
            Approval approval = record.value() == null ? null : decode(record, Approval.class);
            if (record.value() == null) {
                approvals.remove(suite); // a tombstone withdraws the baseline
            } else if (approval != null) {
                approvals.put(suite, approval);
            }
        } else if (record.value() == null) {
            runs.remove(key);
        } else {
            RunSummary summary = decode(record, RunSummary.class);
            if (summary != null) {
                runs.put(key, summary);
            }
        }
    }

    /** @return null, after a warning, for a message this version cannot read: one bad record must not hide the rest */
    private static <T> T decode(ConsumerRecord<String, byte[]> record, Class<T> type) {
        try {
            T value = Json.decode(record.value(), type);
            int version = value instanceof RunSummary s ? s.schemaVersion() : value instanceof Approval a ? a.schemaVersion() : Messages.SCHEMA_VERSION;
            if (version != Messages.SCHEMA_VERSION) {
                log.warn("Skipping {} {} at offset {}: schema version {} is not {}", type.getSimpleName(), record.key(),
                        record.offset(), version, Messages.SCHEMA_VERSION);
                return null;
            }
            return value;
        } catch (MessageFormatException e) {
            log.warn("Skipping record {} at offset {} of {}: {}", record.key(), record.offset(), record.topic(), e.getMessage());
            return null;
        }
    }
}
