package io.evalpipe.producer;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The size the Kafka producer reckons for a job record, and holds against {@code max.request.size}
 * when the record is sent: worked out here so that a prompt too big for a record is reported before
 * a broker or a model is started, not as a {@code RecordTooLargeException} half-way into a run.
 */
final class RecordSize {
    /** Kafka's record batch header ({@code DefaultRecordBatch.RECORD_BATCH_OVERHEAD}). */
    private static final int BATCH_OVERHEAD = 61;
    /** The most a record's own header takes ({@code DefaultRecord.MAX_RECORD_OVERHEAD}). */
    private static final int MAX_RECORD_OVERHEAD = 21;
    /** An instant as long as ISO-8601 writes one, so that the size cannot grow when the run starts. */
    private static final Instant LONGEST_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private RecordSize() {}

    /** The record a prompt's job will be: key, value and framing. */
    static int ofJob(String runId, Prompt prompt, GenerationParams runParams) {
        byte[] value = Messages.JOB.serializer().serialize(null, RunProducer.job(runId, prompt, runParams, LONGEST_INSTANT));
        return of(RunProducer.key(runId, prompt).getBytes(StandardCharsets.UTF_8).length, value.length);
    }

    /**
     * Kafka's own upper bound for a record without headers ({@code
     * AbstractRecords.estimateSizeInBytesUpperBound}, internal API, so copied rather than called; a
     * test holds the two equal): the batch header, the most a record header takes, then the key and
     * the value, each after its varint length.
     */
    static int of(int keyBytes, int valueBytes) {
        return BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + varintSize(keyBytes) + keyBytes + varintSize(valueBytes) + valueBytes
                + varintSize(0);
    }

    /** Bytes of Kafka's zig-zag varint for {@code value}. */
    private static int varintSize(int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((zigzag & 0xffffff80) != 0) {
            bytes++;
            zigzag >>>= 7;
        }
        return bytes;
    }
}
