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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Jobs that must not run: records that are not a job this worker can read, and jobs it refuses. Each
 * goes to the dead-letter topic with its reason; when the record still names its run and prompt, an
 * {@code error} result is published too, so the run's report shows the prompt instead of waiting for
 * it until its deadline.
 */
final class PoisonHandler {
    private final ResultPublisher publisher;
    private final String workerId;
    private final String pool;
    private final Clock clock;

    PoisonHandler(ResultPublisher publisher, String workerId, String pool, Clock clock) {
        this.publisher = publisher;
        this.workerId = workerId;
        this.pool = pool;
        this.clock = clock;
    }

    /** @return the job, or null when the record is not one (it was dead-lettered) */
    Job decode(ConsumerRecord<String, byte[]> record) throws PublishException {
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
        refuse(record, reason, FailureReason.ENGINE_ERROR);
        return null;
    }

    /** Dead-letters the record with its reason, and publishes an error result with {@code failure} when it names its prompt. */
    void refuse(ConsumerRecord<String, byte[]> record, String reason, FailureReason failure) throws PublishException {
        publisher.deadLetter(record, reason);
        EvalResult error = errorResult(record.value(), reason, failure);
        if (error != null) {
            publisher.publish(error);
        }
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

    /** Best effort: only when the bytes are JSON naming a safe run id and prompt id. */
    private EvalResult errorResult(byte[] value, String reason, FailureReason failure) {
        JsonNode node;
        try {
            node = value == null ? null : Json.WIRE.readTree(value);
        } catch (Exception e) {
            return null;
        }
        if (node == null || !Ids.isSafe(node.path("run_id").asText(null)) || !Ids.isSafe(node.path("prompt_id").asText(null))) {
            return null;
        }
        Instant now = clock.instant();
        return new EvalResult(Messages.SCHEMA_VERSION, node.get("run_id").asText(), node.get("prompt_id").asText(), workerId,
                ResultStatus.ERROR, failure.wireName(), "", List.of("job not run: " + reason), "error",
                0, 0, null, null, null, null, now, now, List.of("dead-lettered"), pool, null, null);
    }
}
