package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A prompt too big for a Kafka record is found from the file, before anything is started. */
class RecordSizeTest {
    private static final String RUN_ID = "interview_chat-20260101-120000-a1b2c3";
    private static final int LIMIT = RunProducer.DEFAULT_MAX_REQUEST_SIZE;

    @TempDir
    Path dir;

    private static String prompt(String id, String content) {
        return "{\"id\": \"" + id + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}";
    }

    private PromptSet read(String... lines) throws IOException, PromptFileException {
        Path f = dir.resolve("set.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return PromptSetReader.read(f);
    }

    @Test
    void shouldNameFileAndLineOfAFiveMegabytePrompt() throws Exception {
        PromptSet set = read(prompt("small", "hi"), "", prompt("big", "x".repeat(5 * 1024 * 1024)), prompt("after", "hi"));
        Prompt big = set.prompts().get(1);
        int bytes = RecordSize.ofJob(RUN_ID, big, GenerationParams.DEFAULTS);

        assertThatThrownBy(() -> PromptSetReader.checkRecordSize(set, RUN_ID, GenerationParams.DEFAULTS, LIMIT))
                .isInstanceOf(PromptFileException.class)
                .hasMessage(set.source() + ":3: prompt 'big' would be a " + bytes
                        + "-byte job, over the 1048576-byte record limit (max.request.size, max.message.bytes)")
                .satisfies(e -> assertThat(((PromptFileException) e).line()).isEqualTo(3));
        assertThat(bytes).isBetween(5 * 1024 * 1024, 5 * 1024 * 1024 + 1024);
    }

    @Test
    void shouldPassPromptsThatFit() throws Exception {
        PromptSet set = read(prompt("a", "hi"), prompt("b", "x".repeat(500_000)));

        assertThatCode(() -> PromptSetReader.checkRecordSize(set, RUN_ID, GenerationParams.DEFAULTS, LIMIT)).doesNotThrowAnyException();
    }

    @Test
    void shouldAllowARecordOfExactlyTheLimit() throws Exception {
        PromptSet set = read(prompt("a", "x".repeat(10_000)));
        int bytes = RecordSize.ofJob(RUN_ID, set.prompts().get(0), GenerationParams.DEFAULTS);

        assertThatCode(() -> PromptSetReader.checkRecordSize(set, RUN_ID, GenerationParams.DEFAULTS, bytes)).doesNotThrowAnyException();
        assertThatThrownBy(() -> PromptSetReader.checkRecordSize(set, RUN_ID, GenerationParams.DEFAULTS, bytes - 1))
                .hasMessage(set.source() + ":1: prompt 'a' would be a " + bytes + "-byte job, over the " + (bytes - 1)
                        + "-byte record limit (max.request.size, max.message.bytes)");
    }

    @Test
    void shouldCountTheRunParametersMergedIntoEachJob() throws Exception {
        PromptSet set = read(prompt("a", "hi"));
        Prompt p = set.prompts().get(0);
        GenerationParams longStops = GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(null, null, null, null, null, null, List.of("s".repeat(4000)), null, null));

        assertThat(RecordSize.ofJob(RUN_ID, p, longStops)).isGreaterThan(RecordSize.ofJob(RUN_ID, p, GenerationParams.DEFAULTS) + 4000);
    }

    @Test
    void shouldNeverCountLessThanTheJobTheProducerSends() throws Exception {
        Prompt p = read(prompt("a", "caf\u00e9 ".repeat(1000))).prompts().get(0);
        // What enqueue sends: a real time, in whatever length ISO-8601 gives it.
        byte[] value = Messages.JOB.serializer().serialize(null,
                RunProducer.job(RUN_ID, p, GenerationParams.DEFAULTS, Instant.parse("2026-01-01T12:00:00.123456Z")));
        byte[] key = RunProducer.key(RUN_ID, p).getBytes(StandardCharsets.UTF_8);

        assertThat(RecordSize.ofJob(RUN_ID, p, GenerationParams.DEFAULTS))
                .isGreaterThanOrEqualTo(kafkaEstimate(key.length, value.length))
                .isLessThanOrEqualTo(kafkaEstimate(key.length, value.length) + 16);
    }

    @ParameterizedTest(name = "key {0} bytes, value {1} bytes")
    @CsvSource({"0, 0", "1, 1", "63, 64", "64, 127", "128, 8191", "8192, 16384", "200, 1048576", "200, 2097151", "200, 2097152",
            "200, 5242880", "200, 268435456"})
    void shouldReckonARecordAsTheKafkaProducerDoes(int keyBytes, int valueBytes) {
        assertThat(RecordSize.of(keyBytes, valueBytes)).isEqualTo(kafkaEstimate(keyBytes, valueBytes));
    }

    /** The producer's own check (KafkaProducer.doSend), on a record batch of the current format. */
    private static int kafkaEstimate(int keyBytes, int valueBytes) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                new byte[keyBytes], new byte[valueBytes], new Header[0]);
    }

    @Test
    void shouldTakeTheSmallerOfTheProducerAndTopicLimits() {
        Properties kafka = new Properties();
        assertThat(RunProducer.recordLimit(kafka, RunProducer.DEFAULT_MAX_MESSAGE_BYTES)).isEqualTo(1_048_576);
        assertThat(RunProducer.recordLimit(kafka, 500_000)).isEqualTo(500_000);
        kafka.put("max.request.size", " 2000000 ");
        assertThat(RunProducer.recordLimit(kafka, RunProducer.DEFAULT_MAX_MESSAGE_BYTES)).isEqualTo(1_048_588);
        kafka.put("max.request.size", 300_000);
        assertThat(RunProducer.recordLimit(kafka, RunProducer.DEFAULT_MAX_MESSAGE_BYTES)).isEqualTo(300_000);
    }
}
