package io.evalpipe.worker;

import io.evalpipe.contracts.EvalResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a worker has done, for Prometheus (served at {@code /metrics} by {@link HealthServer}). The
 * report is the judge of a run; these say how a fleet of workers behaves while runs go through it.
 *
 * <pre>
 *   evalpipe_worker_jobs_total{status}                 results published, by pass / fail / error
 *   evalpipe_worker_failures_total{reason}             fail and error results, by failure reason
 *   evalpipe_worker_jobs_dead_lettered_total           jobs that could not be run at all
 *   evalpipe_worker_jobs_handed_back_total{reason}     jobs given back to the queue unfinished
 *   evalpipe_worker_jobs_in_flight                     jobs generating now
 *   evalpipe_worker_e2e_seconds_bucket{le}             request start to last token
 *   evalpipe_worker_ttft_seconds_bucket{le}            request start to first token
 *   evalpipe_worker_completion_tokens_per_second_bucket{le}  completion tokens / E2E, per job
 *   evalpipe_worker_model_load_seconds                 how long the model took to load
 * </pre>
 *
 * Every meter carries the {@code pool} tag. Latencies use fixed buckets rather than percentiles
 * computed on the worker, because only buckets can be summed across the workers of a pool.
 */
public final class WorkerMetrics {

    /** From a fast GPU's first token to a looping CPU generation cut by the default 120 s timeout. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(300)};

    /** A small model on a few CPU cores makes a handful of tokens per second; a GPU several hundred. */
    private static final double[] TOKENS_PER_SECOND_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    private final MeterRegistry registry;
    private final Tags tags;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong modelLoadMillis = new AtomicLong();
    private final Counter deadLettered;
    private final Timer e2e;
    private final Timer ttft;
    private final DistributionSummary tokensPerSecond;

    public WorkerMetrics(MeterRegistry registry, String pool) {
        this.registry = registry;
        this.tags = Tags.of("pool", pool);
        Gauge.builder("evalpipe.worker.jobs.in.flight", inFlight, AtomicInteger::get)
                .description("Jobs generating now").tags(tags).register(registry);
        Gauge.builder("evalpipe.worker.model.load", modelLoadMillis, ms -> ms.get() / 1000.0)
                .description("Time the model took to load").baseUnit("seconds").tags(tags).register(registry);
        deadLettered = Counter.builder("evalpipe.worker.jobs.dead.lettered")
                .description("Jobs that could not be run and went to the dead-letter topic").tags(tags).register(registry);
        e2e = Timer.builder("evalpipe.worker.e2e").description("Request start to last token")
                .serviceLevelObjectives(LATENCY_BUCKETS).tags(tags).register(registry);
        ttft = Timer.builder("evalpipe.worker.ttft").description("Request start to first token")
                .serviceLevelObjectives(LATENCY_BUCKETS).tags(tags).register(registry);
        tokensPerSecond = DistributionSummary.builder("evalpipe.worker.completion.tokens.per.second")
                .description("Completion tokens divided by E2E, per job").serviceLevelObjectives(TOKENS_PER_SECOND_BUCKETS)
                .tags(tags).register(registry);
    }

    /** Records nothing anyone can read: for workers started without a metrics endpoint. */
    public static WorkerMetrics none() {
        return new WorkerMetrics(new CompositeMeterRegistry(), "none");
    }

    /** A registry in the Prometheus text format, for {@link HealthServer#serveMetrics}. */
    public static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public void modelLoaded(long millis) {
        modelLoadMillis.set(millis);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    /** @param reason {@code engine_unavailable}, {@code publish_failed} or {@code stopping} */
    void handedBack(String reason) {
        Counter.builder("evalpipe.worker.jobs.handed.back").description("Jobs given back to the queue unfinished, by reason")
                .tags(tags).tag("reason", reason).register(registry).increment();
    }

    /** Called once the result is acknowledged, so a result that is redone elsewhere is not counted here. */
    void published(EvalResult result) {
        Counter.builder("evalpipe.worker.jobs").description("Results published, by status")
                .tags(tags).tag("status", result.status().wireName()).register(registry).increment();
        if (result.failureReason() != null) {
            Counter.builder("evalpipe.worker.failures").description("Fail and error results, by failure reason")
                    .tags(tags).tag("reason", result.failureReason()).register(registry).increment();
        }
        if (result.e2eMs() != null) {
            e2e.record(Math.round(result.e2eMs() * 1000), TimeUnit.MICROSECONDS);
            if (result.completionTokens() > 0 && result.e2eMs() > 0) {
                tokensPerSecond.record(result.completionTokens() / (result.e2eMs() / 1000.0));
            }
        }
        if (result.ttftMs() != null) {
            ttft.record(Math.round(result.ttftMs() * 1000), TimeUnit.MICROSECONDS);
        }
    }
}
