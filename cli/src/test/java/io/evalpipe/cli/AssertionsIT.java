package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.broker.BrokerExtension;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assertions end to end: a prompt file's {@code expect} and {@code --assert FILE}, through the producer, a real broker,
 * real llama.cpp on the synthetic model in schema mode, and the aggregator, into the report. In schema mode the
 * grammar makes every reply schema-valid, and its {@code /reply} is always there but never a sentence chosen in
 * advance: which assertions hold is known before the run.
 */
class AssertionsIT {
    /** Exit code of an input error ({@code ExitCode.USAGE}). */
    private static final int USAGE = 2;
    private static final String NEVER = "This exact sentence is one a random-weight model never writes.";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"system\", \"content\": \"Reply with only a JSON object.\"},"
            + " {\"role\": \"user\", \"content\": \"%s\"}]";

    @RegisterExtension
    static final BrokerExtension broker = new BrokerExtension();

    @TempDir
    Path dir;
    private final StringWriter err = new StringWriter();

    private static String prompt(String id, String question, String expect) {
        return "{\"id\": \"" + id + "\", " + MESSAGES.formatted(question) + (expect == null ? "" : ", \"expect\": " + expect) + "}";
    }

    private int evalctl(String... args) {
        return EvalCtl.execute(new PrintWriter(err, true), args);
    }

    @Test
    void shouldPassExactlyThePromptsWhoseAssertionsCanAllHoldAndNameEachFailuresPointer() throws Exception {
        String exists = "{\"pointer\": \"/reply\", \"exists\": true}";
        String equalsNever = "{\"pointer\": \"/reply\", \"equals\": \"" + NEVER + "\"}";
        Path prompts = dir.resolve("asserted.jsonl");
        Files.write(prompts, List.of(
                prompt("holds", "Tell me about your last project.", "[" + exists + "]"),
                prompt("never", "What is your biggest strength?", "[" + equalsNever + "]"),
                prompt("mixed", "Why do you want this job?", "[" + exists + ", " + equalsNever + "]"),
                prompt("plain", "Any questions for me?", null)));
        Path shared = dir.resolve("shared.json");
        Files.writeString(shared, "[{\"pointer\": \"/end_interview\", \"type\": \"boolean\", \"name\": \"end_interview is a boolean\"},\n"
                + " {\"max_chars\": 100000}]\n");
        Path reports = dir.resolve("reports");

        int code = evalctl("run", "--prompts", prompts.toString(), "--assert", shared.toString(),
                "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--model", TestModels.tiny().toString(), "--workers", "1",
                "--output-mode", "schema", "--max-tokens", "512", "--reports", reports.toString());

        assertThat(code).as("exit code; stderr: %s", err).isZero();
        Path report = onlyFolder(reports);
        ReportChecks.assertSummaryMatchesCsv(report, 4);
        Map<String, CSVRecord> rows = new HashMap<>();
        ReportChecks.readCsv(report).forEach(r -> rows.put(r.get("prompt_id"), r));
        assertThat(rows.values()).as("every reply is schema-valid, so only assertions decide")
                .allSatisfy(r -> assertThat(r.get("status").equals("pass") || r.get("failure_reason").equals("assertion_failed"))
                        .as("%s: %s %s %s", r.get("prompt_id"), r.get("status"), r.get("failure_reason"), r.get("validation_errors")).isTrue());
        assertThat(rows.get("holds").get("status")).isEqualTo("pass");
        assertThat(rows.get("plain").get("status")).isEqualTo("pass");
        for (String id : List.of("never", "mixed")) {
            assertThat(rows.get(id).get("status")).isEqualTo("fail");
            assertThat(rows.get(id).get("validation_errors")).as(id)
                    .startsWith("/reply: equals: expected \"" + NEVER + "\", actual \"")
                    .doesNotContain(" | "); // one failure: /reply exists held
        }

        JsonNode summary = ReportChecks.summary(report);
        assertThat(summary.get("passed").asInt()).as("the prompts whose assertions can all hold").isEqualTo(2);
        assertThat(summary.get("schema_valid").asInt()).isEqualTo(4);
        assertThat(summary.get("schema_valid_rate").asDouble()).isEqualTo(1.0);
        assertThat(summary.at("/failures_by_reason/assertion_failed").asInt()).isEqualTo(2);
        Map<String, String> heldOfN = new HashMap<>();
        summary.get("assertions").forEach(a -> heldOfN.put(a.get("name").asText(), a.get("held").asInt() + "/" + a.get("n").asInt()));
        assertThat(heldOfN).containsOnly(
                Map.entry("/reply exists", "2/2"),
                Map.entry("/reply equals \"" + NEVER + "\"", "0/2"),
                Map.entry("end_interview is a boolean", "4/4"),
                Map.entry("max_chars 100000", "4/4"));
        assertThat(Files.readString(report.resolve("report.md")))
                .contains("## Assertions", "| /reply exists | 2 | 2 | 100.0% | [34.2%, 100.0%] |", "| Schema-valid | 4 |");
    }

    @Test
    void shouldRefuseABadAssertionFileWithFileAndLineAndEnqueueNothing() throws Exception {
        String prefix = "t-" + UUID.randomUUID();
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            TopicSetup.ensureTopics(admin, topics, "default", 1, (short) 1);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> recordsIn(topics.jobs("default")) >= 0);
        Path prompts = dir.resolve("good.jsonl");
        Files.write(prompts, List.of(prompt("p1", "Hello.", null)));
        Path shared = dir.resolve("shared.json");
        Files.writeString(shared, "[\n  {\"pointer\": \"/reply\", \"exists\": true},\n  {\"pointer\": \"/score\", \"min\": \"1\"}\n]\n");

        int code = evalctl("produce", "--prompts", prompts.toString(), "--assert", shared.toString(),
                "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix);

        assertThat(code).isEqualTo(USAGE);
        assertThat(err.toString().strip()).isEqualTo("evalctl: " + shared + ":3: 'min' takes a number, got the string \"1\"");
        assertThat(recordsIn(topics.jobs("default"))).isZero();
        assertThat(recordsIn(topics.manifests())).isZero();
    }

    @Test
    void shouldRefuseABadExpectationBeforeStartingAnything() throws Exception {
        Path prompts = dir.resolve("bad-expect.jsonl");
        Files.write(prompts, List.of(prompt("p1", "Hello.", null),
                prompt("p2", "Hello again.", "[{\"text_matches\": \"(unclosed\"}]")));

        long start = System.nanoTime();
        // No --bootstrap-servers: a broker would be started, and a model generated, were the file accepted.
        int code = evalctl("run", "--prompts", prompts.toString(), "--model", dir.resolve("never-loaded.gguf").toString());

        assertThat(code).isEqualTo(USAGE);
        assertThat(err.toString().strip())
                .isEqualTo("evalctl: " + prompts + ":2: expect[0]: 'text_matches': bad regex \"(unclosed\": Unclosed group at index 9");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at the door").isLessThan(Duration.ofSeconds(5));
    }

    private static Path onlyFolder(Path reports) throws Exception {
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> found = dirs.filter(Files::isDirectory).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private static long recordsIn(String topic) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                ends.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(ends).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
