package io.evalpipe.producer;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enqueues a prompt set as one run: the manifest and every job in one Kafka transaction, so that
 * workers and the aggregator see the whole run or none of it.
 */
public final class RunProducer {
    private static final Logger log = LoggerFactory.getLogger(RunProducer.class);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** The broker's default {@code message.max.bytes}: what a topic takes unless its {@code max.message.bytes} says otherwise. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    private final Properties kafka;
    private final Topics topics;
    private final Clock clock;

    /** @param kafka client settings of the cluster (bootstrap servers, security) */
    public RunProducer(Properties kafka, Topics topics, Clock clock) {
        this.kafka = kafka;
        this.topics = topics;
        this.clock = clock;
    }

    /**
     * @param runId    from {@link #newRunId}, chosen by the caller so it can watch for the run's report first
     * @param params   run-level parameters; each prompt's own params override them in its job
     * @param deadline how long the aggregator waits for results before reporting a partial run,
     *                 or null to wait for every prompt
     * @param slo      what the run's goodput is judged by; {@link Slo#NONE} for none
     */
    public RunManifest enqueue(String runId, PromptSet set, String suite, String pool, GenerationParams params,
                               ModelInfo model, Duration deadline, Slo slo) {
        Instant now = clock.instant();
        RunManifest manifest = new RunManifest(
                Messages.SCHEMA_VERSION, runId, suite, set.sha256(), set.prompts().size(),
                set.prompts().stream().map(Prompt::id).toList(),
                params, model, pool, now, deadline == null ? null : deadline.toMillis(), slo);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(kafka, runId), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            String jobTopic = topics.jobs(pool);
            int partitions = producer.partitionsFor(jobTopic).size();
            // Where a run's first job goes; the run id spreads small runs over different partitions.
            int first = Math.floorMod(runId.hashCode(), partitions);
            producer.beginTransaction();
            try {
                producer.send(new ProducerRecord<>(topics.manifests(), runId, Messages.MANIFEST.serializer().serialize(null, manifest)));
                List<Prompt> prompts = set.prompts();
                for (int i = 0; i < prompts.size(); i++) {
                    Prompt prompt = prompts.get(i);
                    // Dealt round-robin, not hashed by key: each worker owns fixed partitions and a run
                    // ends with its busiest worker, so the partitions get equal shares (within one job).
                    producer.send(new ProducerRecord<>(jobTopic, (first + i) % partitions, key(runId, prompt),
                            Messages.JOB.serializer().serialize(null, job(runId, prompt, params, now))));
                }
                producer.commitTransaction();
            } catch (KafkaException e) {
                abortQuietly(producer, e);
                throw e;
            }
        }
        log.info("Enqueued run {}: {} prompts from {} onto {}", runId, set.prompts().size(), set.source(), topics.jobs(pool));
        return manifest;
    }

    /** The job a prompt becomes: the run's parameters, overridden by the prompt's own; the prompt's assertions. */
    static Job job(String runId, Prompt prompt, GenerationParams runParams, Instant now) {
        return new Job(Messages.SCHEMA_VERSION, runId, prompt.id(), prompt.messages(), runParams.overriddenBy(prompt.params()), now,
                prompt.assertions());
    }

    static String key(String runId, Prompt prompt) {
        return runId + "/" + prompt.id();
    }

    /**
     * The largest job record that may be sent: the producer's {@code max.request.size} (Kafka's
     * default unless {@code kafka} sets it) or the jobs topic's {@code max.message.bytes}, whichever
     * is smaller.
     *
     * @param topicMaxMessageBytes the topic's setting; {@link #DEFAULT_MAX_MESSAGE_BYTES} when it cannot be read
     */
    public static int recordLimit(Properties kafka, int topicMaxMessageBytes) {
        Object configured = kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int maxRequest = configured == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(configured.toString().trim());
        return Math.min(maxRequest, topicMaxMessageBytes);
    }

    static Properties producerConfig(Properties kafka, String runId) {
        Properties props = new Properties();
        props.putAll(kafka);
        // A run is all-or-nothing: a transaction makes the manifest and every job visible together.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "evalpipe-producer-" + runId);
        // Implied by transactions, stated for the reader: no duplicate jobs on retry.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Fail a dead cluster within a minute rather than hang the command line forever.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return props;
    }

    private static void abortQuietly(KafkaProducer<?, ?> producer, KafkaException cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            cause.addSuppressed(e);
        }
    }

    /** Sortable by time, readable, unique, and safe as a folder name. */
    public static String newRunId(String suite, Instant now) {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String safeSuite = suite.replaceAll("[^A-Za-z0-9._-]", "_");
        return safeSuite + "-" + RUN_TIME.format(now) + "-" + HexFormat.of().formatHex(random);
    }
}
