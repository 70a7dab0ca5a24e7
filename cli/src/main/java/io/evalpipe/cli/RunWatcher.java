package io.evalpipe.cli;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows one run from the outside, as a user would: counts its results as they are published and
 * returns the summary the aggregator announces once the report is written.
 */
final class RunWatcher implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Map<String, Boolean> passedByPrompt = new HashMap<>();

    /** Positions at the current end of both topics, so nothing of a run enqueued afterwards is missed. */
    RunWatcher(Properties kafka, Topics topics) {
        this.topics = topics;
        this.consumer = new KafkaConsumer<>(consumerConfig(kafka), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.results(), topics.runs())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // seekToEnd is lazy: resolve it now, before the run exists
    }

    private static Properties consumerConfig(Properties kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        // Only what the aggregator committed counts: it is what the report will hold.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A watcher, not a member: it reads every partition and commits nothing.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    interface Listener {
        void onProgress(int done, int passed);
    }

    /**
     * @param keepWaiting checked between polls: false gives up and returns null
     * @return the run's summary, or null when {@code keepWaiting} said stop
     */
    RunSummary awaitSummary(String runId, Listener listener, BooleanSupplier keepWaiting) {
        while (keepWaiting.getAsBoolean()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (!runId.equals(record.key())) {
                    continue;
                }
                if (record.topic().equals(topics.runs())) {
                    return Messages.SUMMARY.deserializer().deserialize(record.topic(), record.value());
                }
                EvalResult result = Messages.RESULT.deserializer().deserialize(record.topic(), record.value());
                passedByPrompt.put(result.promptId(), result.status() == ResultStatus.PASS);
                listener.onProgress(passedByPrompt.size(), (int) passedByPrompt.values().stream().filter(b -> b).count());
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
