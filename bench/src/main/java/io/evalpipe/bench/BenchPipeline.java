package io.evalpipe.bench;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.aggregator.ReportSink;
import io.evalpipe.aggregator.StreamsLifecycle;
import io.evalpipe.report.LateResults;
import io.evalpipe.report.RunReport;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.EmbeddedBroker;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.contracts.ShareGroups;
import io.evalpipe.worker.JobLimits;
import io.evalpipe.worker.JobRunner;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;

/**
 * The pipeline's roles wired as `evalctl run` wires them (embedded broker, real aggregator
 * topology and report writer, real workers), plus one thing a benchmark needs: the moment each
 * run's report is on disk, taken in the aggregator's own thread as the report writer returns.
 */
final class BenchPipeline implements AutoCloseable {
    static final Topics TOPICS = Topics.DEFAULT;

    /** When a run's report was on disk (System.nanoTime) and what it held. */
    record Reported(long atNanos, RunReport report) {}

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Path> tempDirs = new ArrayList<>();
    private final Map<String, CompletableFuture<Reported>> reports = new ConcurrentHashMap<>();
    private final Properties kafka = new Properties();
    private final Path reportsDir;
    private final AtomicLong reportWritingNanos = new AtomicLong();

    private BenchPipeline(EmbeddedBroker broker) throws IOException {
        toClose.add(broker);
        kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        reportsDir = tempDir("evalpipe-bench-reports");
    }

    /** Starts an embedded broker; the caller adds the roles it measures. */
    static BenchPipeline start() {
        EmbeddedBroker broker = EmbeddedBroker.start("evalctl bench");
        try {
            return new BenchPipeline(broker);
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot set up the benchmark: " + e, e);
        }
    }

    Properties kafka() {
        Properties copy = new Properties();
        copy.putAll(kafka);
        return copy;
    }

    /** Time the aggregator's thread has spent in the report writer so far. */
    long reportWritingNanos() {
        return reportWritingNanos.get();
    }

    void ensureTopics(String pool, int jobPartitions) {
        try (Admin admin = Admin.create(kafka())) {
            TopicSetup.ensureTopics(admin, TOPICS, pool, jobPartitions, (short) -1);
        }
    }

    /** The real aggregator, returning once it is RUNNING; every report goes through {@link #awaitReport}. */
    /** @param threads 1 as `evalctl run` wires it, {@link AggregatorTopology#threadsForCores()} as `evalctl aggregate` does */
    KafkaStreams startAggregator(String applicationId, int threads) {
        ReportSink files = ReportSink.files(reportsDir);
        var topology = AggregatorTopology.buildTopology(TOPICS, null, Duration.ofSeconds(1), new ReportSink() {
            @Override
            public RunSummary write(RunReport report) {
                long start = System.nanoTime();
                var summary = files.write(report);
                reportWritingNanos.addAndGet(System.nanoTime() - start);
                reportFuture(report.manifest().runId()).complete(new Reported(System.nanoTime(), report));
                return summary;
            }

            @Override
            public RunSummary amend(RunSummary reported, int retried, LateResults late) {
                return files.amend(reported, retried, late);
            }
        }, null);
        return startStreams(topology, applicationId, threads);
    }

    /**
     * The floor under the aggregator: a Kafka Streams application with the aggregator's config
     * (exactly-once, its thread count) that reads the results topic and does nothing else; with
     * {@code decode}, it also decodes each result in full. No state, no reports. The future gives
     * its results/s from its first record processed to its {@code expected}-th.
     */
    CompletableFuture<Double> startFloor(String applicationId, boolean decode, long expected, int threads) {
        AtomicLong seen = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        AtomicLong sink = new AtomicLong(); // keeps the decoding from being optimised away
        CompletableFuture<Double> rate = new CompletableFuture<>();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(TOPICS.results(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .foreach((runId, bytes) -> {
                    sink.addAndGet(decode ? Json.decode(bytes, EvalResult.class).completionTokens() : bytes.length);
                    long n = seen.incrementAndGet();
                    long now = System.nanoTime();
                    firstNanos.compareAndSet(0, now);
                    if (n == expected) {
                        rate.complete((expected - 1) / Bench.seconds(now - firstNanos.get()));
                    }
                });
        startStreams(builder.build(), applicationId, threads);
        return rate;
    }

    private KafkaStreams startStreams(Topology topology, String applicationId, int threads) {
        KafkaStreams streams;
        try {
            streams = new KafkaStreams(topology, AggregatorTopology.streamsConfig(kafka(), applicationId, tempDir("evalpipe-bench-streams"), threads));
        } catch (IOException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot create a state folder: " + e, e);
        }
        toClose.add(0, () -> streams.close(Duration.ofSeconds(30)));
        try {
            if (!new StreamsLifecycle().start(streams).awaitRunning(Duration.ofSeconds(60))) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "the aggregator did not start (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted");
        }
        return streams;
    }

    /** A worker with `run`'s wiring, started on its own thread; closed (after its jobs in hand) with the pipeline. */
    Worker startWorker(String pool, String workerId, int slots, InferenceEngine engine, String modelSha256, ReplyValidator validator) {
        EngineInfo info = engine.info();
        Lineage lineage = info.lineage(slots, modelSha256);
        JobRunner runner = new JobRunner(engine, validator, ReplyValidator.Mode.STRICT, workerId, pool, lineage, Clock.systemUTC());
        Worker worker = new Worker(kafka(), TOPICS, pool, workerId, Worker.Settings.of(slots, JobLimits.forEngine(info)), runner);
        toClose.add(0, worker);
        new Thread(worker, workerId).start();
        return worker;
    }

    /** True when the pipeline's workers share jobs through share groups (the embedded broker has them). */
    boolean shareGroups() {
        try (Admin admin = Admin.create(kafka())) {
            return ShareGroups.detect(admin).available();
        }
    }

    /**
     * Waits until the pool's workers have joined: in share-group mode {@code consumers} members (one per
     * slot) each assigned the job topic; in consumer-group mode {@code consumers} members sharing every one
     * of its {@code partitions}. A timed run then does not include joining the group.
     */
    void awaitWorkersAssigned(String pool, int consumers, int partitions) {
        boolean share = shareGroups();
        String group = share ? TOPICS.workerQueue(pool) : TOPICS.workerGroup(pool);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = Admin.create(kafka())) {
            while (System.nanoTime() < deadline) {
                if (share) {
                    var g = admin.describeShareGroups(List.of(group)).all().get().get(group);
                    if (g.members().size() == consumers && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                        return;
                    }
                } else {
                    ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                    int assigned = g.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                    if (g.members().size() == consumers && assigned == partitions) {
                        return;
                    }
                }
                sleep(50);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "cannot describe group " + group + ": " + e.getCause(), e);
            }
            sleep(50);
            awaitWorkersAssigned(pool, consumers, partitions);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new CliException(ExitCode.INFRASTRUCTURE, "the " + consumers + " worker slot(s) of pool " + pool + " were not all assigned within 120 s");
    }

    /** Call before enqueueing, so that a report written at once is not missed. */
    CompletableFuture<Reported> reportFuture(String runId) {
        return reports.computeIfAbsent(runId, k -> new CompletableFuture<>());
    }

    Reported awaitReport(String runId, Duration timeout) {
        try {
            return reportFuture(runId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "no report for run " + runId + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "report of " + runId + " failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted");
        }
    }

    private Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        tempDirs.add(dir);
        return dir;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted");
        }
    }

    /** Workers first (they finish their jobs in hand), then the aggregator, then the broker; temp folders last. */
    @Override
    public void close() {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the measurements are already printed
            }
        }
        for (Path dir : tempDirs) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }

    /** Reads the results topic from its current end: call before enqueueing the run it waits for. */
    ResultWatch watchResults() {
        return new ResultWatch(kafka());
    }

    static final class ResultWatch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Set<String> seen = new HashSet<>();
        private final Map<String, Integer> perWorker = new HashMap<>();

        private ResultWatch(Properties kafka) {
            kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(kafka, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor(TOPICS.results()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolve the lazy seek now, before the run exists
        }

        /** Returns once {@code count} distinct prompts of the run have a result. */
        void await(String runId, int count, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < count) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(10))) {
                    if (runId.equals(r.key())) {
                        EvalResult result = Messages.RESULT.deserializer().deserialize(r.topic(), r.value());
                        if (seen.add(result.promptId())) {
                            perWorker.merge(result.workerId(), 1, Integer::sum);
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCode.INFRASTRUCTURE, "run " + runId + ": " + seen.size() + " of " + count
                            + " results within " + timeout.toSeconds() + " s");
                }
            }
        }

        /** The most results one worker published: with static partition assignment the run ends when its busiest worker does. */
        int busiestWorker() {
            return perWorker.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
