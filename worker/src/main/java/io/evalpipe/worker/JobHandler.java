package io.evalpipe.worker;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Job;
import io.evalpipe.worker.engine.EngineUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job record from arrival to outcome, the same whichever queue it came from: read it, check it,
 * run it, publish its result, and say how the queue should acknowledge it. Runs on a generation
 * thread; the queue's own thread keeps the job's lease meanwhile.
 *
 * <p>Failures are told apart the way Kafka's own examples tell them apart:
 * <ul>
 *   <li>a record that is not a job, a job outside this worker's {@link JobLimits}, a job the engine
 *       refuses, a job that ended the engine: an {@code error} result and a dead letter, {@link
 *       Disposition#REJECT};
 *   <li>an engine that cannot be reached ({@link EngineUnavailableException}): nothing is wrong with
 *       the job, so it is held and tried again with back-off (1 s doubling to 30 s) while the worker
 *       reports {@link WorkerState#DEGRADED}, and handed back ({@link Disposition#RELEASE}) if the
 *       engine stays away past {@code maxHold};
 *   <li>a result that cannot be published: held and retried the same way; a {@link
 *       PublishException#fatal()} one is thrown, to stop the worker.
 * </ul>
 */
final class JobHandler {
    private static final Logger log = LoggerFactory.getLogger(JobHandler.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** How the queue should acknowledge the job. */
    enum Disposition {
        /** Its result is published. */
        ACCEPT,
        /** It must not run again: dead-lettered, with an error result where it names its prompt. */
        REJECT,
        /** Unfinished, back to the queue for another delivery (the worker stops, or its engine stays away). */
        RELEASE
    }

    /** The queue's protection against a job that ends every worker that runs it. */
    interface RetryGuard {
        /**
         * Called before the engine runs the job. Returns null to run it (the start is recorded where the
         * queue keeps count), else why it must not run again.
         */
        String beforeStart(Job job) throws PublishException;

        /** The job goes back to the queue unfinished: its start does not count against it. */
        void handedBack(Job job);
    }

    /** Told when the engine comes and goes, for the health endpoint. */
    interface EngineListener {
        void unavailable(String why);

        void available();
    }

    private final JobRunner runner;
    private final ResultPublisher publisher;
    private final PoisonHandler poison;
    private final JobLimits limits;
    private final WorkerMetrics metrics;
    private final EngineListener engine;
    private final Duration maxHold;
    /** Counted down when the worker stops: wakes every back-off at once. */
    private final CountDownLatch stopping;

    JobHandler(JobRunner runner, ResultPublisher publisher, PoisonHandler poison, JobLimits limits, WorkerMetrics metrics,
               EngineListener engine, Duration maxHold, CountDownLatch stopping) {
        this.runner = runner;
        this.publisher = publisher;
        this.poison = poison;
        this.limits = limits;
        this.metrics = metrics;
        this.engine = engine;
        this.maxHold = maxHold;
        this.stopping = stopping;
    }

    Disposition handle(ConsumerRecord<String, byte[]> record, RetryGuard guard) throws PublishException {
        Optional<Job> decoded = withRetries(() -> Optional.ofNullable(poison.decode(record)), "dead-letter a record");
        if (decoded == null) {
            return Disposition.RELEASE; // not dead-lettered yet: to be read again
        }
        if (decoded.isEmpty()) {
            return reject();
        }
        Job job = decoded.get();
        String problem = limits.problem(job);
        if (problem != null) {
            return refuse(record, problem, FailureReason.ENGINE_ERROR);
        }
        Optional<String> crashed = withRetries(() -> Optional.ofNullable(guard.beforeStart(job)), "record the job's start");
        if (crashed == null) {
            return Disposition.RELEASE;
        }
        if (crashed.isPresent()) {
            return refuse(record, crashed.get(), FailureReason.ENGINE_CRASH);
        }
        EvalResult result = runHeld(job, guard);
        if (result == null) {
            return Disposition.RELEASE;
        }
        Disposition d = withRetries(() -> publish(record, result), "publish the result");
        if (d == null) {
            guard.handedBack(job);
            return Disposition.RELEASE;
        }
        return d;
    }

    /** Runs the job, holding it while the engine is away; null when it is handed back instead. */
    private EvalResult runHeld(Job job, RetryGuard guard) {
        long since = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            if (stopped()) {
                guard.handedBack(job);
                return null;
            }
            metrics.started();
            try {
                log.debug("Job {}/{} starts on the engine", job.runId(), job.promptId());
                EvalResult r = runner.run(job);
                if (stopped()) { // cancelled by the stop: whatever came back is not the job's result
                    guard.handedBack(job);
                    return null;
                }
                engine.available();
                return r;
            } catch (EngineUnavailableException e) {
                engine.unavailable(e.getMessage());
                if (System.nanoTime() - since > maxHold.toNanos()) {
                    log.warn("Job {}/{}: the engine has been unavailable for over {} s; handing the job back: {}",
                            job.runId(), job.promptId(), maxHold.toSeconds(), e.getMessage());
                    guard.handedBack(job);
                    metrics.handedBack("engine_unavailable");
                    return null;
                }
                log.warn("Job {}/{}: the engine is unavailable ({}); trying again in {} s", job.runId(), job.promptId(),
                        e.getMessage(), backoff.toSeconds());
                backoff = pause(backoff);
            } finally {
                metrics.ended();
            }
        }
    }

    private Disposition publish(ConsumerRecord<String, byte[]> record, EvalResult result) throws PublishException {
        publisher.publish(result);
        metrics.published(result);
        log.debug("Job {}/{}: {} published ({} ms)", result.runId(), result.promptId(), result.status(), result.e2eMs());
        if (FailureReason.ENGINE_ERROR.wireName().equals(result.failureReason())
                || FailureReason.ENGINE_CRASH.wireName().equals(result.failureReason())) {
            // The engine refused the job, or the job ended it: park it with the reason as well.
            publisher.deadLetter(record, String.join("; ", result.validationErrors()));
            metrics.deadLettered();
            return Disposition.REJECT;
        }
        return Disposition.ACCEPT;
    }

    private Disposition refuse(ConsumerRecord<String, byte[]> record, String reason, FailureReason failure) throws PublishException {
        Disposition d = withRetries(() -> {
            poison.refuse(record, reason, failure);
            return Disposition.REJECT;
        }, "dead-letter a job");
        return d == null ? Disposition.RELEASE : reject();
    }

    private Disposition reject() {
        metrics.deadLettered();
        return Disposition.REJECT;
    }

    /** A step that publishes; it returns a value, never null. */
    private interface Publishing<T> {
        T run() throws PublishException;
    }

    /**
     * Runs a publishing step, retrying one that failed for this record alone with back-off until
     * {@code maxHold}; null when it gave up or the worker stops. A fatal failure is thrown.
     */
    private <T> T withRetries(Publishing<T> step, String what) throws PublishException {
        long since = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                return step.run();
            } catch (PublishException e) {
                if (e.fatal()) {
                    throw e;
                }
                if (stopped() || System.nanoTime() - since > maxHold.toNanos()) {
                    log.warn("Could not {} ({}); handing the job back", what, e.getMessage());
                    metrics.handedBack("publish_failed");
                    return null;
                }
                log.warn("Could not {} ({}); trying again in {} s", what, e.getMessage(), backoff.toSeconds());
                backoff = pause(backoff);
            }
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    /** Waits out a back-off, or less when the worker stops; returns the next one. */
    private Duration pause(Duration backoff) {
        try {
            stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }
}
