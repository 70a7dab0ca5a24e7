package io.evalpipe.worker;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one pool's jobs and publishes one result per job. Up to {@code slots} jobs run at once
 * on their own threads while this thread keeps polling with every partition paused, so a long
 * generation never misses {@code max.poll.interval.ms} and never triggers a rebalance.
 *
 * <p>Delivery is at least once: a job's offset is committed only after its result is acknowledged
 * by the broker, so a crash redoes a job rather than losing it, and the aggregator keeps one
 * result per prompt.
 */
public final class Worker implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Properties kafka;
    private final Topics topics;
    private final String pool;
    private final String workerId;
    private final int slots;
    private final JobRunner runner;
    private final PoisonHandler poison;

    private final OffsetTracker offsets = new OffsetTracker();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean failed;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile BiConsumer<HealthServer.Status, String> statusListener = (status, detail) -> { };
    private volatile WorkerMetrics metrics = WorkerMetrics.none();

    private record Finished(TopicPartition partition, long offset) {}

    public Worker(Properties kafka, Topics topics, String pool, String workerId, int slots, JobRunner runner) {
        this.kafka = kafka;
        this.topics = topics;
        this.pool = pool;
        this.workerId = workerId;
        this.slots = slots;
        this.runner = runner;
        this.poison = new PoisonHandler(topics, workerId, pool);
    }

    /** Told when the worker starts taking jobs, stops, or fails; set before {@link #run}. */
    public Worker onStatus(BiConsumer<HealthServer.Status, String> listener) {
        this.statusListener = listener;
        return this;
    }

    /** Where the worker counts its jobs and latencies; set before {@link #run}. */
    public Worker withMetrics(WorkerMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    static Properties consumerConfig(Properties kafka, String group, String workerId) {
        Properties props = new Properties();
        props.putAll(kafka);
        // One group per pool: every worker of the pool shares its jobs, and only its jobs.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId);
        // We commit after the result is written; auto-commit could commit a job that never ran.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Jobs are sent in a transaction: never run one from an aborted run.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A worker that joins after a run was enqueued must still see its jobs.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Take one job per poll, so a worker never holds jobs it cannot start: idle peers get them.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return props;
    }

    static Properties producerConfig(Properties kafka, String workerId) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-results");
        // Retries never duplicate a result within one producer session.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A result counts as written only once every in-sync replica has it; only then do we commit the job.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Results are rare and small: send each at once rather than wait to batch.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    @Override
    public void run() {
        ExecutorService generations = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, workerId + "-gen");
            t.setDaemon(true);
            return t;
        });
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(kafka, topics.workerGroup(pool), workerId),
                     new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(kafka, workerId),
                     new StringSerializer(), new ByteArraySerializer())) {
            consumer = c;
            c.subscribe(List.of(topics.jobs(pool)), new Rebalance());
            log.info("Worker {} ready: pool {}, {} slot(s), topic {}", workerId, pool, slots, topics.jobs(pool));
            statusListener.accept(HealthServer.Status.READY, workerId);
            while (running) {
                try {
                    if (offsets.inFlightCount() >= slots) {
                        // Full: wake up the moment a job finishes, not at the end of a poll timeout.
                        awaitFinished();
                        c.poll(Duration.ZERO); // partitions are paused: this only keeps us in the group
                    } else {
                        pollOnce(c, producer, generations);
                    }
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
                commitFinished(c, false);
            }
            drain(c, generations);
        } finally {
            generations.shutdownNow();
            stopped.countDown();
            log.info("Worker {} stopped", workerId);
        }
    }

    private void pollOnce(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer, ExecutorService generations) {
        if (!c.paused().isEmpty()) {
            c.resume(c.paused()); // a slot is free again
        }
        var records = c.poll(POLL);
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            offsets.started(partition, record.offset());
            Job job = poison.decode(record, producer);
            if (job == null) {
                metrics.deadLettered();
                finished.add(new Finished(partition, record.offset()));
                continue;
            }
            generations.submit(() -> {
                metrics.started();
                try {
                    if (runAndPublish(job, record, producer)) {
                        finished.add(new Finished(partition, record.offset()));
                    }
                } finally {
                    metrics.ended();
                }
            });
        }
        // Full: stop fetching, but keep polling so the group knows we are alive.
        if (offsets.inFlightCount() >= slots) {
            c.pause(c.assignment());
        }
    }

    /** @return true once the result is acknowledged; false stops the worker with the job uncommitted */
    private boolean runAndPublish(Job job, ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer) {
        EvalResult result;
        try {
            result = runner.run(job);
        } catch (io.evalpipe.worker.engine.EngineUnavailableException e) {
            // TEMPORARY until the queue rework: treated as before, an engine error.
            result = runner.unavailable(job, e);
        }
        try {
            producer.send(new ProducerRecord<>(topics.results(), result.runId(), Messages.RESULT.serializer().serialize(null, result))).get();
            if (FailureReason.ENGINE_ERROR.wireName().equals(result.failureReason())) {
                // The engine refused the job itself (e.g. a prompt longer than the context): park it with the reason.
                poison.deadLetter(record, String.join("; ", result.validationErrors()), producer);
            }
            log.debug("Job {}/{}: {} in {} ms", job.runId(), job.promptId(), result.status(), result.e2eMs());
        } catch (Exception e) {
            // The producer already retried until its delivery timeout: the cluster is gone for us.
            // Stopping without committing hands the job to whichever worker reads the partition next.
            log.error("Worker {} stops: could not publish the result of {}/{}: {}", workerId, job.runId(), job.promptId(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed = true;
            running = false;
            statusListener.accept(HealthServer.Status.ERROR, "cannot publish results");
            return false;
        }
        metrics.published(result);
        return true;
    }

    /** True when the worker stopped because it could not publish results. */
    public boolean failed() {
        return failed;
    }

    private void awaitFinished() {
        try {
            Finished f = finished.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) {
                offsets.done(f.partition(), f.offset());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Commits what is safe to commit. In the loop the commit is asynchronous (a lost commit only
     * means a job is redone, and the aggregator keeps one result per prompt); before partitions
     * move or the worker stops it is synchronous, so a clean hand-over redoes nothing.
     */
    private void commitFinished(KafkaConsumer<String, byte[]> c, boolean sync) {
        Finished f;
        while ((f = finished.poll()) != null) {
            offsets.done(f.partition(), f.offset());
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
                    log.warn("Worker {} could not commit {}: {}; those jobs may be redone", workerId, done, error.toString());
                }
            });
        }
    }

    /** On stop, finish the jobs in hand and commit them, so a clean shutdown redoes nothing. */
    private void drain(KafkaConsumer<String, byte[]> c, ExecutorService generations) {
        generations.shutdown();
        try {
            while (!generations.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                c.poll(Duration.ZERO); // keeps the group membership alive while we wait
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitFinished(c, true);
    }

    /** Asks the loop to stop after the jobs in hand; returns when it has. */
    @Override
    public void close() {
        if (running) {
            statusListener.accept(HealthServer.Status.STOPPING, "finishing jobs in hand");
        }
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            stopped.await(5, TimeUnit.MINUTES);
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
            log.debug("Worker {} assigned {}", workerId, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(offsets::forget);
        }
    }
}
