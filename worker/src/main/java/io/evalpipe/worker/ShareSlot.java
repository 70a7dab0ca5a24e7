package io.evalpipe.worker;

import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.QueueSettings;
import io.evalpipe.worker.JobHandler.Disposition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation slot of a worker in share-group mode: one {@link KafkaShareConsumer} that holds at
 * most one job, and one generation thread that runs it ({@link JobHandler}).
 *
 * <p>Why one consumer per slot: a share consumer hands out no new record while one of its records is
 * being renewed, so one consumer cannot overlap jobs; and in explicit acknowledgement mode every record
 * of a poll must be acknowledged before the next poll. The loop therefore waits on the job for a third
 * of its lock, then acknowledges it: {@code RENEW} while it runs, {@code ACCEPT} once its result is
 * published, {@code REJECT} once it is dead-lettered, {@code RELEASE} to hand it back. Each
 * acknowledgement is sent with {@code commitSync}, never with the next poll: a poll that carries a
 * RENEW also acquires the next job into the consumer's buffer, where its lock expires unseen and its
 * deliveries run out (seen with kafka-clients 4.3.1). A renewed job comes back from the next poll and
 * is acknowledged again.
 *
 * <p>The job's {@code deliveryCount} guards the pool: on the last delivery the group allows, the job
 * is not run again but reported as {@code engine_crash}, since every earlier delivery ended without a
 * result (its worker died, or stopped, or lost it).
 */
final class ShareSlot implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ShareSlot.class);
    /**
     * How long a poll waits for the next job. Short, because a poll can return empty for its whole timeout
     * while the job is already on its way (its fetch answers a moment later, seen with kafka-clients 4.3.1):
     * with 500 ms, a worker waited half a second between jobs; with 50 ms, 10-20 ms at the median.
     */
    private static final Duration IDLE_POLL = Duration.ofMillis(50);
    /** Short while a renewal is outstanding: the renewed record is handed back by the poll after it. */
    private static final Duration BUSY_POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Properties config;
    private final String topic;
    private final JobHandler handler;
    private final QueueSettings queue;
    private final String name;
    private final CountDownLatch stopping;
    private final Consumer<Throwable> onFatal;
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaShareConsumer<String, byte[]> consumer;
    private volatile Thread generationThread;

    /** The job in hand: its latest record object, the generation, and whether that record awaits an acknowledgement. */
    private static final class Held {
        ConsumerRecord<String, byte[]> record;
        final CompletableFuture<Disposition> outcome;
        boolean awaitingAck = true;
        long renewSentNanos;

        Held(ConsumerRecord<String, byte[]> record, CompletableFuture<Disposition> outcome) {
            this.record = record;
            this.outcome = outcome;
        }
    }

    ShareSlot(Properties config, String topic, JobHandler handler, QueueSettings queue, String name,
              CountDownLatch stopping, Consumer<Throwable> onFatal) {
        this.config = config;
        this.topic = topic;
        this.handler = handler;
        this.queue = queue;
        this.name = name;
        this.stopping = stopping;
        this.onFatal = onFatal;
    }

    /**
     * Consumer-group settings a share consumer refuses with a ConfigException: in a share group they are
     * the group's own (offset reset, isolation) or do not exist. A client properties file written for the
     * consumer-group mode may hold them; here they are left out.
     */
    static final java.util.Set<String> CONSUMER_GROUP_ONLY = java.util.Set.of(
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    /** The share consumer's settings, on top of the user's client properties. */
    static Properties consumerConfig(Properties kafka, String group, String clientId) {
        Properties props = new Properties();
        props.putAll(kafka);
        CONSUMER_GROUP_ONLY.forEach(props::remove);
        // The pool's share group: its workers share the jobs of its one-partition topic one by one (TopicSetup.jobPartitions).
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // A job is acknowledged only once its outcome is published, and renewed while it runs.
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // One job at a time, and no more acquired than that: an idle worker of the pool must get the next one.
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return props;
    }

    @Override
    public void run() {
        java.util.concurrent.ExecutorService generation = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-gen");
            t.setDaemon(true);
            generationThread = t;
            return t;
        });
        long renewEveryNanos = queue.lockDuration().toNanos() / 3;
        Held held = null;
        KafkaShareConsumer<String, byte[]> c = null;
        try {
            c = new KafkaShareConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            consumer = c;
            c.setAcknowledgementCommitCallback((offsets, e) -> {
                if (e != null) {
                    log.warn("{}: acknowledging {} failed ({}): those jobs may be run again", name, offsets, e.toString());
                }
            });
            c.subscribe(List.of(topic));
            while (true) {
                if (stopping() && (held == null || held.outcome.isDone() && !held.awaitingAck)) {
                    break;
                }
                for (ConsumerRecord<String, byte[]> r : poll(c, held == null ? IDLE_POLL : BUSY_POLL)) {
                    if (held != null && sameRecord(held.record, r)) {
                        held.record = r; // the renewed job, back from the broker
                        held.awaitingAck = true;
                    } else if (held == null) {
                        held = new Held(r, start(generation, r));
                    } else {
                        // Not expected with one record per poll and a job in hand; hand it back untouched.
                        c.acknowledge(r, AcknowledgeType.RELEASE);
                    }
                }
                if (held == null) {
                    continue;
                }
                Disposition d = await(held.outcome, renewEveryNanos);
                if (d == null && stopping()) {
                    interruptGeneration();
                    d = await(held.outcome, TimeUnit.SECONDS.toNanos(5));
                    if (d == null) {
                        d = Disposition.RELEASE;
                    }
                }
                if (!held.awaitingAck) {
                    // The renewed job comes back from a poll or two later; not within a whole lock, and the lock is gone.
                    if (System.nanoTime() - held.renewSentNanos > queue.lockDuration().toNanos()) {
                        log.warn("{}: the job at {}-{}@{} did not come back after its renewal: its lock is lost and another worker"
                                + " will run it", name, held.record.topic(), held.record.partition(), held.record.offset());
                        interruptGeneration();
                        held = null;
                    }
                    continue;
                }
                AcknowledgeType type = d == null ? AcknowledgeType.RENEW : switch (d) {
                    case ACCEPT -> AcknowledgeType.ACCEPT;
                    case REJECT -> AcknowledgeType.REJECT;
                    case RELEASE -> AcknowledgeType.RELEASE;
                };
                c.acknowledge(held.record, type);
                if (type == AcknowledgeType.ACCEPT || type == AcknowledgeType.REJECT) {
                    // Done with for good: the acknowledgement rides on the next poll, which fetches the next job in
                    // the same request. Should it fail, the job is delivered again and its result repeated, which
                    // the aggregator absorbs; the callback logs it.
                    held = null;
                    continue;
                }
                Optional<KafkaException> failure = commit(c);
                if (type == AcknowledgeType.RENEW) {
                    held.awaitingAck = false;
                    held.renewSentNanos = System.nanoTime();
                    if (failure.isPresent()) {
                        log.warn("{}: could not renew the job at {}-{}@{} ({}): another worker will run it", name,
                                held.record.topic(), held.record.partition(), held.record.offset(), failure.get().toString());
                        interruptGeneration();
                        held = null;
                    }
                } else {
                    if (failure.isPresent()) {
                        log.warn("{}: handing the job at {}-{}@{} back failed ({}): it comes back when its lock expires", name,
                                held.record.topic(), held.record.partition(), held.record.offset(), failure.get().toString());
                    }
                    held = null;
                }
            }
        } catch (RuntimeException e) {
            if (!stopping()) {
                onFatal.accept(e);
            }
        } finally {
            generation.shutdownNow();
            consumer = null;
            if (c != null) {
                try {
                    c.close(CLOSE_TIMEOUT); // hands back whatever it still holds
                } catch (RuntimeException e) {
                    log.debug("{}: closing the consumer: {}", name, e.toString());
                }
            }
            stopped.countDown();
        }
    }

    private CompletableFuture<Disposition> start(java.util.concurrent.ExecutorService generation, ConsumerRecord<String, byte[]> r) {
        int delivery = r.deliveryCount().map(Short::intValue).orElse(1);
        JobHandler.RetryGuard guard = new JobHandler.RetryGuard() {
            @Override
            public String beforeStart(Job job) {
                return delivery >= queue.deliveryLimit()
                        ? "delivered " + delivery + " times without a result (each earlier delivery ended its worker,"
                                + " or its worker stopped or lost it): not run again"
                        : null;
            }

            @Override
            public void handedBack(Job job) {
                // The broker counts deliveries; a job handed back is delivered again.
            }
        };
        return CompletableFuture.supplyAsync(() -> {
            try {
                return handler.handle(r, guard);
            } catch (PublishException e) {
                onFatal.accept(e);
                return Disposition.RELEASE;
            }
        }, generation);
    }

    private Iterable<ConsumerRecord<String, byte[]>> poll(KafkaShareConsumer<String, byte[]> c, Duration timeout) {
        try {
            return c.poll(timeout);
        } catch (WakeupException e) {
            return List.of(); // woken to stop: the loop sees it
        }
    }

    private Optional<KafkaException> commit(KafkaShareConsumer<String, byte[]> c) {
        try {
            Map<TopicIdPartition, Optional<KafkaException>> result = c.commitSync(COMMIT_TIMEOUT);
            return result.values().stream().flatMap(Optional::stream).findFirst();
        } catch (WakeupException e) {
            return c.commitSync(COMMIT_TIMEOUT).values().stream().flatMap(Optional::stream).findFirst();
        }
    }

    /** The job's outcome, or null when it is still running after {@code nanos} (or the worker stops). */
    private Disposition await(CompletableFuture<Disposition> outcome, long nanos) {
        try {
            CompletableFuture.anyOf(outcome, stopSignal).get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running, or the generation failed (handled below)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!outcome.isDone()) {
            return null;
        }
        try {
            return outcome.get();
        } catch (ExecutionException | InterruptedException | java.util.concurrent.CancellationException e) {
            log.error("{}: the job failed unexpectedly ({}); handing it back", name, e.toString());
            return Disposition.RELEASE;
        }
    }

    private static boolean sameRecord(ConsumerRecord<?, ?> a, ConsumerRecord<?, ?> b) {
        return a.topic().equals(b.topic()) && a.partition() == b.partition() && a.offset() == b.offset();
    }

    private boolean stopping() {
        return stopping.getCount() == 0;
    }

    private void interruptGeneration() {
        Thread t = generationThread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Called when the worker stops: wakes the loop and the job, which is handed back; returns once the slot has left. */
    void stop(Duration within) {
        stopSignal.complete(null);
        interruptGeneration();
        KafkaShareConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            stopped.await(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
