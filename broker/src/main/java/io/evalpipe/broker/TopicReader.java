package io.evalpipe.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads whole topics as an outside observer: every partition, no consumer group, nothing
 * committed, only committed transactions. What tests and watchers use to see what the pipeline
 * published, without joining (and so disturbing) any of its groups.
 */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;

    /** Starts at the beginning of each topic. */
    public static TopicReader fromBeginning(Properties kafka, String... topics) {
        return new TopicReader(kafka, true, topics);
    }

    /** Starts at the current end of each topic: only what is published from now on. */
    public static TopicReader fromNow(Properties kafka, String... topics) {
        return new TopicReader(kafka, false, topics);
    }

    private TopicReader(Properties kafka, boolean fromBeginning, String... topics) {
        Properties props = new Properties();
        props.putAll(kafka);
        // Aborted transactions never happened, for an observer as for the pipeline.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // seekToEnd is lazy: fix the position now, not at the first poll
        }
    }

    /** Waits up to {@code timeout} for records and returns them; nothing is kept, so a long watch stays small. */
    public List<ConsumerRecord<String, byte[]>> poll(Duration timeout) {
        List<ConsumerRecord<String, byte[]>> fresh = new ArrayList<>();
        consumer.poll(timeout).forEach(fresh::add);
        return fresh;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
