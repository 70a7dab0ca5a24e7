package io.evalpipe.worker;

import io.evalpipe.contracts.QueueSettings;
import io.evalpipe.contracts.ShareGroups;
import io.evalpipe.contracts.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one pool's jobs and publishes one outcome per job, until stopped.
 *
 * <p>On a cluster with share groups (Kafka 4.2 and later, the default) each of its {@code slots} is a
 * member of the pool's share group ({@link ShareSlot}): the broker hands out the jobs of the pool's
 * one-partition topic one at a time to whichever member is free, however many workers there are,
 * takes back the jobs of a member that dies at once, and counts deliveries, so that a job that ends
 * every worker that takes it is reported rather than run again. Elsewhere it falls back to a consumer group ({@link
 * ClassicQueue}), with the same guarantee kept by {@link AttemptLog}. Which mode it runs in, and why,
 * is its first log line.
 *
 * <p>Delivery is at least once in both modes: a job is acknowledged only after its outcome is
 * published, so a crash redoes a job rather than losing it, and the aggregator keeps one result per
 * prompt. {@link #close} hands back the jobs in hand at once (their generation is cancelled) and
 * returns within {@link #STOP_WITHIN}.
 */
public final class Worker implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    public static final Duration STOP_WITHIN = Duration.ofSeconds(10);

    /** Which queue to read: share groups when the cluster has them, or one of the two regardless. */
    public enum Mode { AUTO, SHARE, CLASSIC }

    /**
     * @param slots   jobs run at once
     * @param limits  what a job may ask for
     * @param mode    which queue protocol to use
     * @param queue   the share group's settings to use where the group has none of its own
     * @param maxHold how long a job is held while the engine cannot be reached before it is handed back
     *                (share groups; a consumer group cannot hand one job back, so it holds it until then)
     */
    public record Settings(int slots, JobLimits limits, Mode mode, QueueSettings queue, Duration maxHold) {
        public static Settings of(int slots, JobLimits limits) {
            return new Settings(slots, limits, Mode.AUTO, QueueSettings.DEFAULT, Duration.ofMinutes(5));
        }
    }

    private final Properties kafka;
    private final Topics topics;
    private final String pool;
    private final String workerId;
    private final Settings settings;
    private final JobRunner runner;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final List<ShareSlot> shareSlots = new ArrayList<>();
    private volatile ClassicQueue classic;
    private volatile BiConsumer<WorkerState, String> statusListener = (status, detail) -> { };
    private volatile WorkerMetrics metrics = WorkerMetrics.none();
    private volatile WorkerState state = WorkerState.LOADING;

    public Worker(Properties kafka, Topics topics, String pool, String workerId, Settings settings, JobRunner runner) {
        this.kafka = kafka;
        this.topics = topics;
        this.pool = pool;
        this.workerId = workerId;
        this.settings = settings;
        this.runner = runner;
    }

    /** Told when the worker starts taking jobs, loses or regains its engine, stops, or fails; set before {@link #run}. */
    public Worker onStatus(BiConsumer<WorkerState, String> listener) {
        this.statusListener = listener;
        return this;
    }

    /** Where the worker counts its jobs and latencies; set before {@link #run}. */
    public Worker withMetrics(WorkerMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    @Override
    public void run() {
        try (Admin admin = Admin.create(adminConfig(kafka));
             ResultPublisher publisher = new ResultPublisher(kafka, topics, workerId, resultRecordLimit(admin))) {
            boolean share = useShareGroups(admin);
            PoisonHandler poison = new PoisonHandler(publisher, workerId, pool, Clock.systemUTC());
            JobHandler handler = new JobHandler(runner, publisher, poison, settings.limits(), metrics, new EngineStatus(),
                    share ? settings.maxHold() : Duration.ofDays(365), stopping);
            if (share) {
                runShare(admin, handler);
            } else {
                runClassic(publisher, handler);
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            stopped.countDown();
            log.info("Worker {} stopped", workerId);
        }
    }

    private boolean useShareGroups(Admin admin) {
        String jobs = topics.jobs(pool);
        switch (settings.mode()) {
            case SHARE -> {
                log.info("Worker {}: share-group mode (asked for), pool {}, {} slot(s), topic {}", workerId, pool, settings.slots(), jobs);
                return true;
            }
            case CLASSIC -> {
                log.info("Worker {}: consumer-group mode (asked for), pool {}, {} slot(s), topic {}", workerId, pool, settings.slots(), jobs);
                return false;
            }
            default -> {
                ShareGroups.Support s = ShareGroups.detect(admin);
                if (s.available()) {
                    log.info("Worker {}: share-group mode, because {}: pool {}, {} slot(s), topic {}; any number of workers share"
                            + " its jobs, a killed worker's jobs go to another at once", workerId, s.why(), pool, settings.slots(), jobs);
                } else {
                    log.info("Worker {}: consumer-group mode, because {}: pool {}, {} slot(s), topic {}; workers share its partitions,"
                            + " and a job that ends its worker is tried at most twice fleet-wide", workerId, s.why(), pool,
                            settings.slots(), jobs);
                }
                return s.available();
            }
        }
    }

    private void runShare(Admin admin, JobHandler handler) {
        QueueSettings queue = ShareGroups.configure(admin, topics.workerQueue(pool), settings.queue(), false);
        log.info("Worker {}: share group {}: a job is delivered at most {} times, and held {} s by a worker that stops answering",
                workerId, topics.workerQueue(pool), queue.deliveryLimit(), queue.lockDuration().toSeconds());
        warnIfPartitioned(admin);
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= settings.slots(); i++) {
            String name = workerId + "-slot" + i;
            ShareSlot slot = new ShareSlot(ShareSlot.consumerConfig(kafka, topics.workerQueue(pool), name), topics.jobs(pool),
                    handler, queue, name, stopping, this::fail);
            shareSlots.add(slot);
            threads.add(new Thread(slot, name));
        }
        ready();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A share group hands a partition's jobs to whichever of its members are assigned it, and with more
     * than one partition that is not all of them: see {@link io.evalpipe.contracts.TopicSetup#jobPartitions}.
     */
    private void warnIfPartitioned(Admin admin) {
        String jobs = topics.jobs(pool);
        try {
            int count = admin.describeTopics(List.of(jobs)).allTopicNames().get(30, TimeUnit.SECONDS).get(jobs).partitions().size();
            if (count > 1) {
                log.warn("Worker {}: {} has {} partitions: in a share group each partition goes to only some of the pool's slots,"
                        + " so a slot can idle while jobs wait in a busy one's partitions; a job topic for share groups needs 1"
                        + " (delete it while no run is in flight and run evalctl topics)", workerId, jobs, count);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("Could not describe {} ({})", jobs, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runClassic(ResultPublisher publisher, JobHandler handler) {
        try (AttemptLog attempts = new AttemptLog(kafka, topics, publisher, workerId, Clock.systemUTC())) {
            classic = new ClassicQueue(ClassicQueue.consumerConfig(kafka, topics.workerGroup(pool), workerId), topics.jobs(pool),
                    handler, attempts, settings.slots(), workerId, stopping, this::fail);
            ready();
            classic.run();
        }
    }

    private void ready() {
        if (stopping.getCount() > 0) {
            setState(WorkerState.READY, workerId);
        }
    }

    /** The largest result record the results topic takes, as its config and our producer's say. */
    private int resultRecordLimit(Admin admin) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.results());
        int topicLimit = 1_048_588; // the broker's default message.max.bytes
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            var entry = configs.get(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null) {
                topicLimit = Integer.parseInt(entry.value());
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException | NumberFormatException e) {
            log.debug("Could not read {}'s max.message.bytes ({}); assuming the broker default", topics.results(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ResultPublisher.recordLimit(kafka, topicLimit);
    }

    static Properties adminConfig(Properties kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        // Fail a start against an unreachable cluster in a minute with a clear line, not after retrying for ever.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        return props;
    }

    /** Why the worker stopped by itself; null while it runs or when it was stopped. */
    public String failure() {
        return failure.get();
    }

    /** True when the worker stopped because of a failure ({@link #failure()} says which). */
    public boolean failed() {
        return failure.get() != null;
    }

    private void fail(Throwable e) {
        String why = e instanceof PublishException ? e.getMessage() : e.toString();
        if (failure.compareAndSet(null, why)) {
            log.error("Worker {} stops: {}", workerId, why);
            setState(WorkerState.ERROR, why);
            stopping.countDown();
            shareSlots.forEach(s -> s.stop(Duration.ZERO));
            ClassicQueue c = classic;
            if (c != null) {
                c.stop(Duration.ZERO);
            }
        }
    }

    private synchronized void setState(WorkerState next, String detail) {
        if (state == next || state == WorkerState.ERROR || state == WorkerState.STOPPING && next != WorkerState.ERROR) {
            return;
        }
        state = next;
        statusListener.accept(next, detail);
    }

    /** READY and DEGRADED follow the engine, as the jobs find it. */
    private final class EngineStatus implements JobHandler.EngineListener {
        @Override
        public void unavailable(String why) {
            setState(WorkerState.DEGRADED, "engine unavailable: " + why);
        }

        @Override
        public void available() {
            setState(WorkerState.READY, workerId);
        }
    }

    /** Hands back the jobs in hand (their generation is cancelled) and returns once the worker has stopped, within {@link #STOP_WITHIN}. */
    @Override
    public void close() {
        setState(WorkerState.STOPPING, "handing back jobs in hand");
        stopping.countDown();
        long deadline = System.nanoTime() + STOP_WITHIN.toNanos();
        shareSlots.forEach(s -> s.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        ClassicQueue c = classic;
        if (c != null) {
            c.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        try {
            stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
