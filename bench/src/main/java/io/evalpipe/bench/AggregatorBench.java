package io.evalpipe.bench;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.RunProducer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Results/s the aggregator topology sustains, and the time from a run's last result to its report
 * on disk. Per repetition, on a fresh broker: the manifests and every result but the very last are
 * produced first; the aggregator is started and timed until it has consumed them all (its
 * committed offsets reach the end of the results topic); then the last result is sent and timed
 * until the last run's report is on disk.
 */
@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = "Results/s the aggregator sustains on pre-produced results, and the time from a run's last result to its report on disk.")
final class AggregatorBench implements Callable<Integer> {

    @Option(names = "--results", defaultValue = "100000", paramLabel = "N", description = "Results in all. Default: ${DEFAULT-VALUE}.")
    int results;

    @Option(names = "--runs", defaultValue = "500", paramLabel = "R",
            description = "Runs the results are split over: 500 runs of 200 prompts by default, the size of the shipped prompt set;"
                    + " a prompt file holds at most 10,000 prompts. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Repetitions, each on a fresh broker. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Repetitions run first and not counted: a fresh JVM spends its first minute compiling"
                    + " (on 2 cores the JIT took a core), and an aggregator that runs for days is past that. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Give up on a repetition after this long, and say so. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        Bench.checkRepeat(repeat);
        if (warmup < 0) {
            throw new CliException(ExitCode.USAGE, "--warmup must be 0 or more");
        }
        if (runs < 1 || results < runs) {
            throw new CliException(ExitCode.USAGE, "--runs must be at least 1 and at most --results");
        }
        PrintStream out = System.out;
        Bench.header(out, "aggregator");
        out.printf(Locale.ROOT, "%d results over %d run(s) of %d prompts; 90%% pass, 8%% fail, 2%% error; %d repetitions after %d warm-up, each on a fresh embedded broker in this JVM%n",
                results, runs, results / runs, repeat, warmup);
        List<Double> rates = new ArrayList<>();
        List<Double> lastToReport = new ArrayList<>();
        List<Double> cpuPerResult = new ArrayList<>();
        List<Double> reportSeconds = new ArrayList<>();
        List<Double> heapBusy = new ArrayList<>();
        List<Double> heapAfter = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        List<Double> floorsDecoding = new ArrayList<>();
        for (int w = 0; w < warmup; w++) {
            Measured m = once();
            out.printf(Locale.ROOT, "warm-up %d (not counted): %s%n", w + 1,
                    m == null ? "did not finish: " + partial : String.format(Locale.ROOT, "%.0f results/s", m.rate));
        }
        for (int r = 0; r < repeat; r++) {
            Measured m = once();
            if (m == null) {
                out.printf("repetition %d: did not finish within %d s: %s; load %s%n", r + 1, timeout.toSeconds(), partial, Bench.load());
                continue;
            }
            rates.add(m.rate);
            lastToReport.add(m.lastToReportSeconds);
            cpuPerResult.add(m.streamCpuMicrosPerResult);
            reportSeconds.add(m.reportSeconds);
            heapBusy.add(m.heapBusyMb);
            heapAfter.add(m.heapAfterMb);
            floors.add(m.floorRate);
            floorsDecoding.add(m.floorDecodingRate);
            out.printf(Locale.ROOT, "repetition %d: %.0f results/s (%.2f s from RUNNING to all consumed, %.2f s start to RUNNING), %.2f s writing reports (summed over the stream threads); stream thread CPU %.1f us per result; last result to report %.3f s; load %s%n",
                    r + 1, m.rate, m.consumeSeconds, m.startSeconds, m.reportSeconds, m.streamCpuMicrosPerResult,
                    m.lastToReportSeconds, Bench.load());
            out.printf(Locale.ROOT, "repetition %d: floor %.0f results/s reading them only, %.0f results/s reading and decoding them%n",
                    r + 1, m.floorRate, m.floorDecodingRate);
        }
        out.println();
        new Bench.Table()
                .add("results consumed per second", Stats.of(rates), "results/s")
                .add("time writing reports meanwhile, summed over the stream threads", Stats.of(reportSeconds), "s")
                .add("stream threads' CPU per result (reports included)", Stats.of(cpuPerResult), "us")
                .add("last result to report on disk", Stats.of(lastToReport), "s")
                .add("floor: exactly-once Streams app reading them only", Stats.of(floors), "results/s")
                .add("floor: same, decoding each result", Stats.of(floorsDecoding), "results/s")
                .add("heap used after GC, all but one consumed", Stats.of(heapBusy), "MB")
                .add("heap used after GC, after the reports", Stats.of(heapAfter), "MB")
                .print(out);
        out.println("(heap figures are the whole JVM: broker, producer and aggregator; the aggregator's state is in RocksDB, off the heap)");
        out.println("(the floors read the same results on the same broker, with the aggregator's Streams config and no state: no aggregator on this machine can be faster)");
        out.println("(stream thread CPU is the aggregator's own work, summed over its threads, from ThreadMXBean: 1e6 / it is what one core would sustain with the broker elsewhere)");
        Stats rate = Stats.of(rates);
        Stats last = Stats.of(lastToReport);
        out.printf(Locale.ROOT, "target >= 50000 results/s: %s; target last result to report <= 1 s: %s%n",
                rates.isEmpty() ? "NOT met (no repetition finished)" : rate.median() >= 50_000 ? "met" : "NOT met",
                lastToReport.isEmpty() ? "NOT met (no repetition finished)" : last.median() <= 1.0 ? "met" : "NOT met");
        Bench.footer(out);
        return ExitCode.OK;
    }

    /** Why the last repetition did not finish, and how far it got. */
    private String partial;

    private record Measured(double floorRate, double floorDecodingRate, double rate, double consumeSeconds, double startSeconds, double reportSeconds,
                            double streamCpuMicrosPerResult,
                            double lastToReportSeconds,
                            double heapBusyMb, double heapAfterMb) {}

    /** One repetition on its own broker; null when it ran past the timeout. */
    private Measured once() {
        try (BenchPipeline pipeline = BenchPipeline.start()) {
            pipeline.ensureTopics(null, 1);
            List<RunManifest> manifests = new ArrayList<>();
            EvalResult last = produceAllButLast(pipeline, manifests);
            String lastRun = manifests.get(manifests.size() - 1).runId();
            manifests.forEach(m -> pipeline.reportFuture(m.runId()));
            String appId = "evalpipe-bench-aggregator";

            long t0 = System.nanoTime();
            pipeline.startAggregator(appId, AggregatorTopology.threadsForCores()); // as `evalctl aggregate` runs
            long t1 = System.nanoTime();
            long consumed = awaitConsumed(pipeline, appId, t0 + timeout.toNanos());
            long t2 = System.nanoTime();
            double streamCpuMicros = streamThreadCpuNanos() / 1000.0;
            double reportSeconds = Bench.seconds(pipeline.reportWritingNanos());
            if (consumed < results - 1) {
                // Still say how fast it went: a run that cannot finish in time is a figure too.
                partial = String.format(Locale.ROOT, "consumed %d of %d results in %.0f s after RUNNING (%.0f results/s)",
                        consumed, results - 1, Bench.seconds(t2 - t1), consumed / Bench.seconds(t2 - t1));
                return null;
            }
            double heapBusy = heapUsedMb();

            Properties props = producerConfig(pipeline);
            long t3;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                t3 = System.nanoTime();
                producer.send(record(last)).get();
            } catch (Exception e) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "cannot send the last result: " + e, e);
            }
            long left = Math.max(1, t0 + timeout.toNanos() - System.nanoTime());
            BenchPipeline.Reported done;
            try {
                done = pipeline.reportFuture(lastRun).get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                partial = "every result consumed, but the last run's report was not on disk in time";
                return null;
            } catch (Exception e) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "no report for " + lastRun + ": " + e, e);
            }
            for (RunManifest m : manifests) {
                pipeline.awaitReport(m.runId(), Duration.ofMinutes(5)); // every run reported, none missing
            }
            double heapAfter = heapUsedMb();
            double floor = floorRate(pipeline, false);
            double floorDecoding = floorRate(pipeline, true);
            return new Measured(floor, floorDecoding, (results - 1) / Bench.seconds(t2 - t1), Bench.seconds(t2 - t1), Bench.seconds(t1 - t0),
                    reportSeconds, streamCpuMicros / (results - 1),
                    Bench.seconds(done.atNanos() - t3), heapBusy, heapAfter);
        }
    }

    /** Results/s of the floor application (see {@link BenchPipeline#startFloor}) on the same results. */
    private double floorRate(BenchPipeline pipeline, boolean decode) {
        String appId = "evalpipe-bench-floor" + (decode ? "-decoding" : "");
        try {
            return pipeline.startFloor(appId, decode, results, AggregatorTopology.threadsForCores()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Double.NaN;
        } catch (Exception e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "the floor application failed: " + e, e);
        }
    }

    /** Sends the manifests, then each run's results in turn; returns the one result held back. */
    private EvalResult produceAllButLast(BenchPipeline pipeline, List<RunManifest> manifests) {
        Random random = new Random(42);
        Instant now = Instant.now();
        ModelInfo model = new ModelInfo("bench.gguf", "0".repeat(64), 1, true);
        Lineage lineage = new Lineage("llamacpp", "cpu", "bench", 1, 1, "0".repeat(64), 100);
        int perRun = results / runs;
        EvalResult held = null;
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback check = (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(pipeline), new StringSerializer(), new ByteArraySerializer())) {
            for (int r = 0; r < runs; r++) {
                int n = r == runs - 1 ? results - perRun * (runs - 1) : perRun;
                List<String> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(String.format("P%06d", i));
                }
                String runId = RunProducer.newRunId("bench-aggregator-" + r, now);
                RunManifest m = new RunManifest(Messages.SCHEMA_VERSION, runId, "bench-aggregator", "0".repeat(64), n, ids,
                        Bench.params(128), model, "default", now, null, Slo.NONE);
                manifests.add(m);
                producer.send(new ProducerRecord<>(BenchPipeline.TOPICS.manifests(), runId, Messages.MANIFEST.serializer().serialize(null, m)), check);
            }
            for (RunManifest m : manifests) {
                for (String id : m.promptIds()) {
                    EvalResult result = result(random, m.runId(), id, now, lineage);
                    if (m == manifests.get(manifests.size() - 1) && id.equals(m.promptIds().get(m.promptIds().size() - 1))) {
                        held = result;
                    } else {
                        producer.send(record(result), check);
                    }
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            // e.g. a manifest of ~100,000 ids is over Kafka's default 1 MB message limit
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot pre-produce the runs: " + failure.get(), failure.get());
        }
        return held;
    }

    /** A plausible result: a short JSON reply, seeded log-normal latencies, 90% pass. */
    private static EvalResult result(Random random, String runId, String promptId, Instant now, Lineage lineage) {
        double u = random.nextDouble();
        ResultStatus status = u < 0.90 ? ResultStatus.PASS : u < 0.98 ? ResultStatus.FAIL : ResultStatus.ERROR;
        String reason = status == ResultStatus.PASS ? null : status == ResultStatus.FAIL ? "schema_violation" : "timeout";
        double e2e = 1500 * Math.exp(0.5 * random.nextGaussian());
        double ttft = e2e * 0.1;
        int tokens = 40 + random.nextInt(80);
        return new EvalResult(Messages.SCHEMA_VERSION, runId, promptId, "bench-1", status, reason, SimulatedEngine.REPLY,
                status == ResultStatus.FAIL ? List.of("/question_type: enum: does not have a value in the enumeration") : List.of(),
                status == ResultStatus.ERROR ? "timeout" : "stop", 300, tokens, ttft, e2e, (e2e - ttft) / (tokens - 1),
                5.0, now, now, List.of(), "default", lineage, null);
    }

    private static ProducerRecord<String, byte[]> record(EvalResult r) {
        return new ProducerRecord<>(BenchPipeline.TOPICS.results(), r.runId(), Messages.RESULT.serializer().serialize(null, r));
    }

    private static Properties producerConfig(BenchPipeline pipeline) {
        Properties props = pipeline.kafka();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Pre-producing is not what is measured: batch it.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        return props;
    }

    /**
     * Waits until the aggregator's committed offsets reach the end of every results partition.
     *
     * @return results consumed (committed) when that happened or the deadline passed
     */
    private static long awaitConsumed(BenchPipeline pipeline, String appId, long deadlineNanos) {
        try (Admin admin = Admin.create(pipeline.kafka())) {
            var partitions = admin.describeTopics(List.of(BenchPipeline.TOPICS.results())).allTopicNames().get()
                    .get(BenchPipeline.TOPICS.results()).partitions().stream()
                    .map(p -> new TopicPartition(BenchPipeline.TOPICS.results(), p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            long total = partitions.stream().mapToLong(p -> ends.get(p).offset()).sum();
            long consumed = 0;
            while (consumed < total && System.nanoTime() < deadlineNanos) {
                BenchPipeline.sleep(20);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
                consumed = partitions.stream()
                        .mapToLong(p -> committed.get(p) == null ? 0 : Math.min(committed.get(p).offset(), ends.get(p).offset())).sum();
            }
            return consumed;
        } catch (Exception e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot read the aggregator's offsets: " + e, e);
        }
    }

    /** CPU time of the Kafka Streams threads so far (from start-up, so restoring and joining count too). */
    private static long streamThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static double heapUsedMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }
}
