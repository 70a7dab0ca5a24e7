package io.evalpipe.worker;

import io.evalpipe.worker.JobHandler.Disposition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's jobs on a cluster without share groups: one consumer group per pool, whose workers share
 * its partitions. Up to {@code slots} jobs run at once on their own threads while this thread keeps
 * polling with every partition paused, so a long generation never misses {@code max.poll.interval.ms}.
 *
 * <p>A job's offset is committed only once its outcome is published and every job before it on its
 * partition is done ({@link OffsetTracker}), so a crash redoes jobs rather than losing them. A job
 * handed back (the worker stops) is left uncommitted, for the partition's next owner. What share
 * groups do with delivery counts, {@link AttemptLog} does here: a job that ends its worker twice is
 * not run a third time.
 */
final class ClassicQueue implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ClassicQueue.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Properties config;
    private final String topic;
    private final JobHandler handler;
    private final AttemptLog attempts;
    private final int slots;
    private final String name;
    private final CountDownLatch stopping;
    private final Consumer<Throwable> onFatal;
    private final OffsetTracker offsets = new OffsetTracker();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final Set<Thread> generating = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;

    private record Finished(TopicPartition partition, long offset, boolean done) {}

    ClassicQueue(Properties config, String topic, JobHandler handler, AttemptLog attempts, int slots, String name,
                 CountDownLatch stopping, Consumer<Throwable> onFatal) {
        this.config = config;
        this.topic = topic;
        this.handler = handler;
        this.attempts = attempts;
        this.slots = slots;
        this.name = name;
        this.stopping = stopping;
        this.onFatal = onFatal;
    }

    static Properties consumerConfig(Properties kafka, String group, String clientId) {
        Properties props = new Properties();
        // A killed worker's partitions move on when its session times out: 10 s rather than 45 s, unless the
        // client properties say otherwise (the broker's group.min.session.timeout.ms is 6 s by default).
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.putAll(kafka);
        // One group per pool: every worker of the pool shares its jobs, and only its jobs.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // We commit after the outcome is published; auto-commit could commit a job that never ran.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Jobs are sent in a transaction: never run one from an aborted run.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A worker that joins after a run was enqueued must still see its jobs.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Take one job per poll, so a worker never holds jobs it cannot start: idle peers get them.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return props;
    }

    @Override
    public void run() {
        ExecutorService generations = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(() -> {
                generating.add(Thread.currentThread());
                r.run();
            }, name + "-gen");
            t.setDaemon(true);
            return t;
        });
        KafkaConsumer<String, byte[]> c = null;
        try {
            c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            consumer = c;
            c.subscribe(List.of(topic), new Rebalance());
            while (!stopping()) {
                try {
                    if (offsets.inFlightCount() >= slots) {
                        awaitFinished(); // full: wake up the moment a job finishes, not at the end of a poll timeout
                        c.poll(Duration.ZERO); // partitions are paused: this only keeps us in the group
                    } else {
                        pollOnce(c, generations);
                    }
                } catch (WakeupException e) {
                    // woken to stop
                }
                commitFinished(c, false);
            }
            // Stopping: the jobs in hand are interrupted and hand themselves back (left uncommitted).
            generations.shutdownNow();
            generations.awaitTermination(8, TimeUnit.SECONDS);
            commitFinished(c, true);
        } catch (RuntimeException e) {
            if (!stopping()) {
                onFatal.accept(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            generations.shutdownNow();
            consumer = null;
            if (c != null) {
                try {
                    c.close(CLOSE_TIMEOUT); // leaves the group at once: the partitions' next owners start now
                } catch (RuntimeException e) {
                    log.debug("{}: closing the consumer: {}", name, e.toString());
                }
            }
            stopped.countDown();
        }
    }

    private void pollOnce(KafkaConsumer<String, byte[]> c, ExecutorService generations) {
        if (!c.paused().isEmpty()) {
            c.resume(c.paused()); // a slot is free again
        }
        for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            offsets.started(partition, record.offset());
            generations.submit(() -> {
                Disposition d;
                try {
                    d = handler.handle(record, attempts);
                } catch (PublishException e) {
                    onFatal.accept(e);
                    d = Disposition.RELEASE;
                }
                // A released job stays uncommitted: the partition's next owner runs it.
                finished.add(new Finished(partition, record.offset(), d != Disposition.RELEASE));
            });
        }
        if (offsets.inFlightCount() >= slots) {
            c.pause(c.assignment()); // full: stop fetching, but keep polling so the group knows we are alive
        }
    }

    private void awaitFinished() {
        try {
            Finished f = finished.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) {
                record(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(Finished f) {
        if (f.done()) {
            offsets.done(f.partition(), f.offset());
        } else {
            offsets.abandoned(f.partition(), f.offset());
        }
    }

    /**
     * Commits what is safe to commit. In the loop the commit is asynchronous (a lost commit only
     * means a job is redone, and the aggregator keeps one result per prompt); before partitions move
     * or the worker stops it is synchronous, so a clean hand-over redoes nothing that finished.
     */
    private void commitFinished(KafkaConsumer<String, byte[]> c, boolean sync) {
        Finished f;
        while ((f = finished.poll()) != null) {
            record(f);
        }
        var committable = offsets.takeCommittable();
        if (committable.isEmpty()) {
            return;
        }
        if (sync) {
            c.commitSync(committable);
        } else {
            c.commitAsync(committable, (done, error) -> {
                if (error != null) {
                    log.warn("{} could not commit {}: {}; those jobs may be redone", name, done, error.toString());
                }
            });
        }
    }

    private boolean stopping() {
        return stopping.getCount() == 0;
    }

    /** Wakes the loop and interrupts the jobs in hand, which hand themselves back; returns once the queue has left. */
    void stop(Duration within) {
        generating.forEach(Thread::interrupt);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            stopped.await(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitFinished(consumer, true);
            partitions.forEach(offsets::forget);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.debug("{} assigned {}", name, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(offsets::forget);
        }
    }
}
