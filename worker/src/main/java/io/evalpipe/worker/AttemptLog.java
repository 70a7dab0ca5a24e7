package io.evalpipe.worker;

import io.evalpipe.contracts.Attempt;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The retry guard of consumer-group mode, where Kafka does not count deliveries: before a job starts on
 * the engine its start is written to the compacted {@link Topics#attempts()} topic, and acknowledged by
 * the broker, so that a worker that dies in the job leaves the start behind. A job found with {@value
 * #MAX_STARTS} unfinished starts is not run again but reported as {@code engine_crash}: a job that
 * kills workers is tried at most twice fleet-wide. A job handed back cleanly (the worker stops) takes
 * its start back.
 *
 * <p>Every worker reads the whole topic into memory (a few bytes per job of the runs in it, compacted
 * to one record per job) and catches up to its end before each decision, so it sees the starts of a
 * worker that died a moment ago.
 */
final class AttemptLog implements JobHandler.RetryGuard, AutoCloseable {
    static final int MAX_STARTS = 2;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> reader;
    private final ResultPublisher publisher;
    private final Topics topics;
    private final String workerId;
    private final Clock clock;
    private final Map<String, Integer> started = new HashMap<>();

    AttemptLog(Properties kafka, Topics topics, ResultPublisher publisher, String workerId, Clock clock) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-attempts");
        this.reader = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        reader.partitionsFor(topics.attempts()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        this.publisher = publisher;
        this.topics = topics;
        this.workerId = workerId;
        this.clock = clock;
    }

    @Override
    public synchronized String beforeStart(Job job) throws PublishException {
        String key = Attempt.key(job.runId(), job.promptId());
        try {
            catchUp();
        } catch (RuntimeException e) {
            throw new PublishException("cannot read " + topics.attempts() + ": " + e.getMessage(), e, false);
        }
        int n = started.getOrDefault(key, 0);
        if (n >= MAX_STARTS) {
            return "started " + n + " times on workers that ended without a result: not run again";
        }
        write(job, n + 1);
        return null;
    }

    @Override
    public synchronized void handedBack(Job job) {
        String key = Attempt.key(job.runId(), job.promptId());
        try {
            catchUp();
            write(job, Math.max(0, started.getOrDefault(key, 1) - 1));
        } catch (PublishException | RuntimeException e) {
            // At worst the clean hand-back counts as a start: the job then has one try fewer.
        }
    }

    private void write(Job job, int n) throws PublishException {
        Attempt a = new Attempt(Messages.SCHEMA_VERSION, job.runId(), job.promptId(), n, workerId, clock.instant());
        String key = Attempt.key(job.runId(), job.promptId());
        publisher.send(new ProducerRecord<>(topics.attempts(), key, Messages.ATTEMPT.serializer().serialize(null, a)));
        started.put(key, n);
    }

    /** Reads the topic up to its current end, so that every start written before now is counted. */
    private void catchUp() {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        Map<TopicPartition, Long> end = reader.endOffsets(reader.assignment(), CATCH_UP);
        while (end.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not caught up within " + CATCH_UP.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
                try {
                    started.put(r.key(), Messages.ATTEMPT.deserializer().deserialize(null, r.value()).started());
                } catch (MessageFormatException e) {
                    // not ours: counts as nothing
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        reader.close();
    }
}
