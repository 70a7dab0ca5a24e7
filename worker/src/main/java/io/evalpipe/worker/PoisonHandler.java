package io.evalpipe.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Ids;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a job record into a {@link Job}, or, when it cannot be run, parks it on the dead-letter
 * topic with its reason. When the record still names its run and prompt, an {@code error} result is
 * published too, so the run's report shows the prompt instead of waiting for it forever.
 */
final class PoisonHandler {
    private static final Logger log = LoggerFactory.getLogger(PoisonHandler.class);
    static final String REASON_HEADER = "evalpipe.dlq.reason";

    private final Topics topics;
    private final String workerId;
    private final String pool;

    PoisonHandler(Topics topics, String workerId, String pool) {
        this.topics = topics;
        this.workerId = workerId;
        this.pool = pool;
    }

    /** @return the job, or null when the record was dead-lettered (its offset may then be committed) */
    Job decode(ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer) {
        String reason;
        try {
            Job job = Json.decode(record.value(), Job.class);
            reason = problem(job);
            if (reason == null) {
                return job;
            }
        } catch (MessageFormatException e) {
            reason = e.getMessage();
        }
        deadLetter(record, reason, producer);
        EvalResult error = errorResult(record.value(), reason);
        if (error != null) {
            send(producer, new ProducerRecord<>(topics.results(), error.runId(), Messages.RESULT.serializer().serialize(null, error)));
        }
        return null;
    }

    private static String problem(Job job) {
        if (job.schemaVersion() != Messages.SCHEMA_VERSION) {
            return "unknown schema version " + job.schemaVersion() + " (this worker reads " + Messages.SCHEMA_VERSION + ")";
        }
        if (!Ids.isSafe(job.runId()) || !Ids.isSafe(job.promptId())) {
            return "missing or unsafe run_id/prompt_id";
        }
        if (job.messages().isEmpty() || job.messages().stream().allMatch(m -> m.content() == null || m.content().isBlank())) {
            return "empty prompt";
        }
        return null;
    }

    /**
     * Parks a job on the dead-letter topic with its reason: for jobs that cannot be decoded, and for
     * jobs the engine refused (a prompt longer than the context window), whose error row the caller
     * publishes itself.
     */
    void deadLetter(ConsumerRecord<String, byte[]> record, String reason, KafkaProducer<String, byte[]> producer) {
        log.warn("Dead-lettering job at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("evalpipe.dlq.source", (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add("evalpipe.dlq.worker", workerId.getBytes(StandardCharsets.UTF_8));
        send(producer, new ProducerRecord<>(topics.deadLetters(), null, record.key(), record.value(), headers));
    }

    private void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot write to " + record.topic(), e);
        }
    }

    /** Best effort: only when the bytes are JSON naming a safe run id and prompt id. */
    private EvalResult errorResult(byte[] value, String reason) {
        JsonNode node;
        try {
            node = value == null ? null : Json.WIRE.readTree(value);
        } catch (Exception e) {
            return null;
        }
        if (node == null || !Ids.isSafe(node.path("run_id").asText(null)) || !Ids.isSafe(node.path("prompt_id").asText(null))) {
            return null;
        }
        Instant now = Instant.now();
        return new EvalResult(Messages.SCHEMA_VERSION, node.get("run_id").asText(), node.get("prompt_id").asText(), workerId,
                ResultStatus.ERROR, FailureReason.ENGINE_ERROR.wireName(), "", List.of("job rejected: " + reason), "error",
                0, 0, null, null, null, null, now, now, List.of("dead-lettered to " + topics.deadLetters()), pool, null, null);
    }
}
