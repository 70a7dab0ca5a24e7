package io.evalpipe.launch;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.aggregator.ReportSink;
import io.evalpipe.aggregator.StreamsLifecycle;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.ShareGroups;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.JobLimits;
import io.evalpipe.worker.JobRunner;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the pipeline's roles in this process; shared by the role commands and by `run`. */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private Pipeline() {}

    /**
     * Creates missing topics, or fails with exit 3 when the cluster cannot be reached. A missing job topic
     * gets one partition where the cluster has share groups, else {@code jobPartitions} ({@link
     * TopicSetup#jobPartitions} says why).
     */
    public static void ensureTopics(Properties kafka, Topics topics, String pool, int jobPartitions) {
        Properties props = new Properties();
        props.putAll(kafka);
        // Give up on an unreachable cluster in seconds, with a clear line, instead of retrying for minutes.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) STARTUP.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(props)) {
            int partitions = pool == null ? 0 : TopicSetup.jobPartitions(ShareGroups.detect(admin), jobPartitions);
            TopicSetup.ensureTopics(admin, topics, pool, partitions, (short) -1);
        } catch (IllegalStateException | KafkaException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "Kafka at " + kafka.get("bootstrap.servers") + " is not usable: " + withRootCause(e), e);
        }
    }

    /**
     * Stops an aggregator and has it leave its group, so that its tasks go to the group's other
     * aggregators, or to this one restarted, at once: a Streams member that just closes stays in the
     * group until its session times out (45 s), and its runs go unreported meanwhile (seen in
     * DurabilityIT: a restarted aggregator waited 45 s for its tasks).
     */
    public static void stopAggregator(KafkaStreams streams, Duration timeout) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(timeout));
    }

    /**
     * Deletes what a stopped Kafka Streams application leaves on the cluster: its consumer group and
     * its internal topics ({@code <application id>-...-changelog}, {@code -repartition}). For the
     * private aggregator of one run on a shared cluster, which nothing reads again; a failure is
     * logged with what to delete by hand, and costs the run nothing.
     */
    public static void deleteApplication(Properties kafka, String applicationId) {
        try (Admin admin = Admin.create(kafka)) {
            admin.deleteConsumerGroups(List.of(applicationId)).all().get(30, TimeUnit.SECONDS);
            Set<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(applicationId + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition")))
                    .collect(Collectors.toSet());
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get(30, TimeUnit.SECONDS);
            }
            log.info("Deleted the run's aggregator from the cluster: consumer group {} and {} internal topic(s)", applicationId,
                    internal.size());
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("Could not delete the run's aggregator group {} and its topics {}-*-changelog ({}); delete them by hand",
                    applicationId, applicationId, e instanceof ExecutionException ? e.getCause().toString() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "Failed to create new KafkaAdminClient" says nothing by itself: the reason is at the bottom of the chain. */
    public static String withRootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    /**
     * Starts the aggregator and returns once it is processing.
     *
     * @param threads Kafka Streams threads (see {@link AggregatorTopology#streamsConfig})
     */
    public static KafkaStreams startAggregator(Properties kafka, Topics topics, String applicationId, Path stateDir,
                                       Path reports, Duration deadline, String onlyRunId, int threads) {
        return startAggregator(kafka, topics, applicationId, stateDir, reports, deadline, onlyRunId, threads, new StreamsLifecycle());
    }

    /** As above, telling {@code lifecycle} when the aggregator runs and when it stops. */
    public static KafkaStreams startAggregator(Properties kafka, Topics topics, String applicationId, Path stateDir, Path reports,
                                       Duration deadline, String onlyRunId, int threads, StreamsLifecycle lifecycle) {
        var topology = AggregatorTopology.buildTopology(topics, deadline, Duration.ofSeconds(1), ReportSink.files(reports), onlyRunId);
        KafkaStreams streams = new KafkaStreams(topology, AggregatorTopology.streamsConfig(kafka, applicationId, stateDir, threads));
        streams.setUncaughtExceptionHandler(e -> {
            // A report that cannot be written (disk full, permissions) is not worth retrying blindly.
            log.error("Aggregator stops: {}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        lifecycle.start(streams);
        try {
            if (!lifecycle.awaitRunning(STARTUP)) {
                streams.close(Duration.ofSeconds(10));
                throw new CliException(ExitCode.INFRASTRUCTURE, "the aggregator did not start (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(Duration.ofSeconds(10));
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted while the aggregator started");
        }
        log.info("Aggregator {} running; reports go to {}", applicationId, reports.toAbsolutePath());
        return streams;
    }

    /** A worker with the default settings: {@code slots} at once, the engine's own job limits, the queue the cluster has. */
    public static Worker newWorker(Properties kafka, Topics topics, String pool, String workerId, int slots,
                            InferenceEngine engine, String modelSha256, ReplyValidator validator, ReplyValidator.Mode mode) {
        return newWorker(kafka, topics, pool, workerId, Worker.Settings.of(slots, JobLimits.forEngine(engine.info())), engine,
                modelSha256, validator, mode);
    }

    /** @param modelSha256 of the loaded model, for each result's lineage */
    public static Worker newWorker(Properties kafka, Topics topics, String pool, String workerId, Worker.Settings settings,
                            InferenceEngine engine, String modelSha256, ReplyValidator validator, ReplyValidator.Mode mode) {
        EngineInfo info = engine.info();
        Lineage lineage = info.lineage(settings.slots(), modelSha256);
        JobRunner runner = new JobRunner(engine, validator, mode, workerId, pool, lineage, Clock.systemUTC());
        return new Worker(kafka, topics, pool, workerId, settings, runner);
    }

    public static Thread startThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }
}
