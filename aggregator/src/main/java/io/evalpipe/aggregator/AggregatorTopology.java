package io.evalpipe.aggregator;

import io.evalpipe.contracts.JsonSerde;
import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator: manifests and results in, one report per run out.
 *
 * <pre>
 *   {prefix}.manifests ─┐
 *                       ├─ merge ─ RunCollector ──(RunSummary)──▶ {prefix}.reports
 *   {prefix}.results  ──┘        │  run-progress store:  runId → RunProgress (counts, and the summary once reported; kept)
 *                                │  run-manifests store: runId → RunManifest (until the report)
 *                                │  run-deadlines store: runId → when to report it partial (open runs only)
 *                                │  run-results store:   runId/promptId → latest result, as received (until the report)
 *                                └─ ReportSink writes REPORTS/&lt;run-id&gt;/, and notes results that come after it
 * </pre>
 *
 * Keeping results keyed by run and prompt makes a repeated result (a job redone after a crash)
 * replace the earlier one instead of being counted twice.
 */
public final class AggregatorTopology {
    private static final Logger log = LoggerFactory.getLogger(AggregatorTopology.class);

    private AggregatorTopology() {}

    /**
     * @param defaultDeadline for runs whose manifest sets none: how long after a run's creation to
     *                        report it with missing prompts; null waits for every prompt
     * @param checkEvery      how often deadlines are checked (wall-clock time)
     * @param onlyRunId       when non-null, every other run is ignored: {@code evalctl run} starts a
     *                        private aggregator for its own run, and must not report anyone else's
     */
    public static Topology buildTopology(Topics topics, Duration defaultDeadline, Duration checkEvery, ReportSink sink,
                                         String onlyRunId) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(RunCollector.PROGRESS_STORE, new JsonSerde<>(RunProgress.class)));
        builder.addStateStore(store(RunCollector.MANIFESTS_STORE, Messages.MANIFEST));
        builder.addStateStore(store(RunCollector.DEADLINES_STORE, Serdes.Long()));
        builder.addStateStore(store(RunCollector.RESULTS_STORE, Serdes.ByteArray()));

        var manifests = builder.stream(topics.manifests(), Consumed.with(Serdes.String(), Messages.MANIFEST))
                .mapValues(RunEvent::of);
        var results = builder.stream(topics.results(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .flatMapValues(AggregatorTopology::received);
        manifests.merge(results)
                .filter((runId, event) -> onlyRunId == null || onlyRunId.equals(runId))
                .process(() -> new RunCollector(defaultDeadline, checkEvery, sink), RunCollector.PROGRESS_STORE,
                        RunCollector.MANIFESTS_STORE, RunCollector.DEADLINES_STORE, RunCollector.RESULTS_STORE)
                .to(topics.runs(), Produced.with(Serdes.String(), Messages.SUMMARY));
        return builder.build();
    }

    /** A result's ids; a message without them is logged and skipped, as a corrupt manifest is. */
    private static List<RunEvent> received(String key, byte[] bytes) {
        try {
            return List.of(RunEvent.of(ReceivedResult.of(bytes)));
        } catch (MessageFormatException e) {
            log.warn("Skipping a result (key {}) that cannot be read: {}", key, e.getMessage());
            return List.of();
        }
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        // Cached: a run's progress is rewritten by every result, and the cache sends only the last
        // value per key to the changelog at each commit. The summaries are forwarded by the
        // processor itself, so the cache delays nothing downstream.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values).withCachingEnabled();
    }

    /**
     * Stream threads for an aggregator with the machine to itself: one per core, up to one per run
     * partition (each partition is one task; more threads would idle).
     */
    public static int threadsForCores() {
        return Math.min(Runtime.getRuntime().availableProcessors(), TopicSetup.RUN_PARTITIONS);
    }

    /**
     * @param threads stream threads: {@link #threadsForCores()} for an aggregator of its own, 1 for
     *                one that shares the machine with inference ({@code evalctl run}), whose few
     *                results per second need no more and whose every extra thread takes CPU from
     *                llama.cpp; a {@code num.stream.threads} in {@code kafka} wins
     */
    public static Properties streamsConfig(Properties kafka, String applicationId, Path stateDir, int threads) {
        Properties props = new Properties();
        props.putAll(kafka);
        // Names the consumer group and the state's changelog topics: one id per aggregator deployment.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // State store, changelog and report announcement move together: a restart neither loses nor double-counts a result.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // A corrupt manifest is logged and skipped rather than stopping every run's report (results: see received).
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // Same handling in every thread; also silences Kafka's start-up warning about the default changing in 5.0.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Let the broker's default decide, so one-node and three-node clusters both work unchanged.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Runs on different partitions are collected and reported in parallel, one task each.
        props.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // Room for the stores' record cache (see store()), shared by the stream threads.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
        return props;
    }
}
