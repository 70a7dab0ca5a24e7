package io.evalpipe.worker;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results and dead letters, each acknowledged by the broker before it returns, so that the
 * job is acknowledged to its queue only once its outcome is safe.
 *
 * <p>A result larger than a record may be (the producer's {@code max.request.size}, the topic's {@code
 * max.message.bytes}) is published without the job's messages, then, if it still does not fit, with
 * its output cut to fit, and a note saying so each time; the whole output goes to this class's log at
 * DEBUG. The messages go first: they are in the prompt file (and on the jobs topic), the output is in
 * no other place. Without that, the job would fail to publish on every worker that takes it, and stop
 * each of them in turn.
 */
public final class ResultPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);
    /** Room for the record's key, headers and batch framing beside the value. */
    static final int RECORD_OVERHEAD = 512;
    public static final String REASON_HEADER = "evalpipe.dlq.reason";

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final String workerId;
    private final int maxValueBytes;

    /** @param maxRecordBytes the largest record the results topic takes ({@link #recordLimit}) */
    public ResultPublisher(Properties kafka, Topics topics, String workerId, int maxRecordBytes) {
        this.producer = new KafkaProducer<>(producerConfig(kafka, workerId), new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.workerId = workerId;
        this.maxValueBytes = maxRecordBytes - RECORD_OVERHEAD;
    }

    static Properties producerConfig(Properties kafka, String workerId) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-results");
        // Retries never duplicate a result within one producer session.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A result counts as written only once every in-sync replica has it; only then is the job acknowledged.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Results are rare and small: send each at once rather than wait to batch.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /** The largest record a producer with these settings may send to a topic whose limit is {@code topicMaxMessageBytes}. */
    public static int recordLimit(Properties kafka, int topicMaxMessageBytes) {
        Object configured = kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int maxRequest = configured == null ? 1_048_576 : Integer.parseInt(configured.toString().trim());
        return Math.min(maxRequest, topicMaxMessageBytes);
    }

    /** Publishes a result, cut to fit when it must be. */
    public void publish(EvalResult result) throws PublishException {
        EvalResult fitted = fit(result);
        byte[] value = Messages.RESULT.serializer().serialize(null, fitted);
        try {
            send(new ProducerRecord<>(topics.results(), fitted.runId(), value));
        } catch (PublishException e) {
            if (!(e.getCause() instanceof RecordTooLargeException)) {
                throw e;
            }
            // The limit was smaller than we knew (a broker setting we could not read): cut harder, once.
            String why = "the broker refused it as too large";
            EvalResult halved = cut(withoutMessages(result, why), Math.max(0, value.length / 2 - RECORD_OVERHEAD), why);
            send(new ProducerRecord<>(topics.results(), halved.runId(), Messages.RESULT.serializer().serialize(null, halved)));
        }
    }

    /** Parks a job on the dead-letter topic with its reason, where it came from and who parked it. */
    public void deadLetter(ConsumerRecord<String, byte[]> job, String reason) throws PublishException {
        log.warn("Dead-lettering job at {}-{}@{}: {}", job.topic(), job.partition(), job.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("evalpipe.dlq.source", (job.topic() + "-" + job.partition() + "@" + job.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add("evalpipe.dlq.worker", workerId.getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(topics.deadLetters(), null, job.key(), job.value(), headers));
    }

    /** Sends and waits for the broker's acknowledgement; the producer has retried what can be retried. */
    void send(ProducerRecord<String, byte[]> record) throws PublishException {
        try {
            producer.send(record).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PublishException("cannot write to " + record.topic() + ": " + cause, cause, fatal(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while writing to " + record.topic(), e, false);
        }
    }

    /** Errors no retry can get past: the worker must stop and a person must act. */
    static boolean fatal(Throwable t) {
        return t instanceof AuthorizationException || t instanceof AuthenticationException
                || t instanceof ProducerFencedException || t instanceof UnsupportedVersionException;
    }

    /** The result as it will fit in {@link #maxValueBytes}: without its messages, then its output (and errors) cut, if needed. */
    EvalResult fit(EvalResult r) {
        if (size(r) <= maxValueBytes) {
            return r;
        }
        String why = "over the result topic's record limit of " + (maxValueBytes + RECORD_OVERHEAD)
                + " bytes (max.request.size, max.message.bytes)";
        EvalResult lean = withoutMessages(r, why);
        return size(lean) <= maxValueBytes ? lean : cut(lean, maxValueBytes, why);
    }

    private static int size(EvalResult r) {
        return Messages.RESULT.serializer().serialize(null, r).length;
    }

    private static EvalResult withoutMessages(EvalResult r, String why) {
        if (r.messages().isEmpty()) {
            return r;
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add("the prompt's messages are left out of the result: it was " + why);
        return new EvalResult(r.schemaVersion(), r.runId(), r.promptId(), r.workerId(), r.status(), r.failureReason(),
                r.output(), r.validationErrors(), r.finishReason(), r.promptTokens(), r.completionTokens(), r.ttftMs(),
                r.e2eMs(), r.tpotMs(), r.queueWaitMs(), r.startedAt(), r.finishedAt(), notes, r.pool(), r.lineage(),
                r.engineTimings(), List.of(), r.assertions());
    }

    /** Keeps the longest prefix of the output that fits {@code budget} bytes, found by bisection on code points. */
    private EvalResult cut(EvalResult r, int budget, String why) {
        String output = r.output() == null ? "" : r.output();
        List<String> errors = r.validationErrors().size() > 20 ? r.validationErrors().subList(0, 20) : r.validationErrors();
        errors = errors.stream().map(e -> e.length() > 200 ? e.substring(0, 200) + "..." : e).toList();
        int points = output.codePointCount(0, output.length());
        int lo = 0;
        int hi = points;
        EvalResult best = withOutput(r, "", errors, note(r, output, 0, why));
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String kept = output.substring(0, output.offsetByCodePoints(0, mid));
            EvalResult candidate = withOutput(r, kept, errors, note(r, output, kept.length(), why));
            if (size(candidate) <= budget) {
                best = candidate;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        log.warn("Result of {}/{} is {}: its output is cut from {} to {} chars in the result (the whole output is logged at DEBUG)",
                r.runId(), r.promptId(), why, output.length(), best.output().length());
        log.debug("Whole output of {}/{}: {}", r.runId(), r.promptId(), output);
        return best;
    }

    private List<String> note(EvalResult r, String output, int kept, String why) {
        List<String> notes = new ArrayList<>(r.notes());
        notes.add("output cut from " + output.length() + " to " + kept + " chars: the result was " + why
                + "; the worker " + workerId + " logged the whole output at DEBUG");
        return notes;
    }

    private static EvalResult withOutput(EvalResult r, String output, List<String> errors, List<String> notes) {
        return new EvalResult(r.schemaVersion(), r.runId(), r.promptId(), r.workerId(), r.status(), r.failureReason(), output,
                errors, r.finishReason(), r.promptTokens(), r.completionTokens(), r.ttftMs(), r.e2eMs(), r.tpotMs(),
                r.queueWaitMs(), r.startedAt(), r.finishedAt(), notes, r.pool(), r.lineage(), r.engineTimings(), r.messages(),
                r.assertions());
    }

    @Override
    public void close() {
        producer.close();
    }
}
