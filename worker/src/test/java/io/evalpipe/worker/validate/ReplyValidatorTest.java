package io.evalpipe.worker.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.worker.validate.ReplyValidator.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyValidatorTest {

    static final String VALID = """
            {"reply": "Thanks, that's a clear answer. How would you test the \\"retry\\" path?",
             "question_type": "technical", "follow_up": true, "score": 4,
             "feedback": "Concrete and measurable.", "topics": ["idempotency", "APIs"], "end_interview": false}""";

    static ReplyValidator validator;

    @BeforeAll
    static void loadSchema() {
        validator = ReplyValidator.fromFile(schemaFile());
    }

    /** The repository root: surefire passes it in; from an IDE, walk up to the folder that has schemas/. */
    static Path repoRoot() {
        String configured = System.getProperty("evalpipe.root");
        if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured, "schemas"))) {
            return Path.of(configured);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("schemas"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no folder with schemas/ above " + Paths.get("").toAbsolutePath());
    }

    static Path schemaFile() {
        return repoRoot().resolve("schemas/interview_chat.schema.json");
    }

    private static String withField(String field, String json) {
        return VALID.replaceFirst("\\{", "{" + "\"" + field + "\": " + json + ", ");
    }

    private static ObjectNode validTree() {
        try {
            return (ObjectNode) new ObjectMapper().readTree(VALID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String without(String field) {
        ObjectNode reply = validTree();
        reply.remove(field);
        return reply.toString();
    }

    private static String replacing(String field, String text) {
        return validTree().put(field, text).toString();
    }

    @Test
    void shouldPassValidReply() {
        Validation v = validator.validate(VALID, Mode.STRICT);

        assertThat(v.valid()).isTrue();
        assertThat(v.reason()).isNull();
        assertThat(v.errors()).isEmpty();
        assertThat(v.salvaged()).isFalse();
        assertThat(v.json().get("score").asInt()).isEqualTo(4);
    }

    @Test
    void shouldPassReplyWithOnlyRequiredFields() {
        String minimal = "{\"reply\": \"Hello! Tell me about yourself.\", \"question_type\": \"introduction\","
                + " \"follow_up\": false, \"end_interview\": false}";

        assertThat(validator.validate(minimal, Mode.STRICT).valid()).isTrue();
    }

    @Test
    void shouldPassReplySurroundedByWhitespaceInStrictMode() {
        assertThat(validator.validate("\n  " + VALID + "\n\n", Mode.STRICT).valid()).isTrue();
    }

    @Test
    void shouldReportMissingRequiredFieldAtItsPointer() {
        String reply = without("question_type");
        assertThat(reply).doesNotContain("question_type");

        Validation v = validator.validate(reply, Mode.STRICT);

        assertThat(v.valid()).isFalse();
        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).containsExactly("/question_type: required: required property 'question_type' not found");
        assertThat(v.json()).isNotNull();
    }

    @Test
    void shouldReportWrongEnumValue() {
        Validation v = validator.validate(VALID.replace("\"technical\"", "\"small_talk\""), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).singleElement().asString().startsWith("/question_type: enum: ");
    }

    @Test
    void shouldReportScoreAboveMaximum() {
        Validation v = validator.validate(VALID.replace("\"score\": 4", "\"score\": 7"), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).containsExactly("/score: maximum: must have a maximum value of 5");
    }

    @Test
    void shouldReportScoreBelowMinimum() {
        Validation v = validator.validate(VALID.replace("\"score\": 4", "\"score\": 0"), Mode.STRICT);

        assertThat(v.errors()).containsExactly("/score: minimum: must have a minimum value of 1");
    }

    @Test
    void shouldReportScoreOfWrongType() {
        Validation v = validator.validate(VALID.replace("\"score\": 4", "\"score\": \"4\""), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).singleElement().asString().startsWith("/score: type: ");
    }

    @Test
    void shouldReportAdditionalPropertyAtItsPointer() {
        Validation v = validator.validate(withField("mood", "\"cheerful\""), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).singleElement().asString().startsWith("/mood: additionalProperties: property 'mood'");
    }

    @Test
    void shouldEscapeSlashInPropertyPointer() {
        Validation v = validator.validate(withField("a/b", "1"), Mode.STRICT);

        assertThat(v.errors()).singleElement().asString().startsWith("/a~1b: additionalProperties: ");
    }

    @Test
    void shouldReportOverLongReply() {
        Validation v = validator.validate(replacing("reply", "a".repeat(601)), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).containsExactly("/reply: maxLength: must be at most 600 characters long");
    }

    @Test
    void shouldAcceptReplyOfExactlyMaxLength() {
        assertThat(validator.validate(replacing("reply", "a".repeat(600)), Mode.STRICT).valid()).isTrue();
    }

    @Test
    void shouldReportOverLongTopicAndTooManyTopics() {
        String reply = VALID.replace("[\"idempotency\", \"APIs\"]",
                "[\"" + "t".repeat(41) + "\", \"b\", \"c\", \"d\", \"e\", \"f\"]");

        Validation v = validator.validate(reply, Mode.STRICT);

        assertThat(v.errors()).hasSize(2)
                .anySatisfy(e -> assertThat(e).startsWith("/topics: maxItems: "))
                .anySatisfy(e -> assertThat(e).startsWith("/topics/0: maxLength: "));
    }

    @Test
    void shouldReportEveryViolationOfOneReply() {
        String reply = "{\"reply\": \"\", \"question_type\": \"technical\", \"follow_up\": \"yes\", \"score\": 9}";

        Validation v = validator.validate(reply, Mode.STRICT);

        assertThat(v.errors()).extracting(e -> e.substring(0, e.indexOf(": ", e.indexOf(": ") + 2)))
                .containsExactlyInAnyOrder("/reply: minLength", "/follow_up: type", "/score: maximum",
                        "/end_interview: required");
    }

    @Test
    void shouldReportNonObjectAtTheRootPointer() {
        Validation v = validator.validate("[1, 2]", Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.errors()).singleElement().asString().startsWith(": type: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"reply\": \"Tell me about a time you", // cut by max_tokens
        "{\"reply\": \"Hi\", \"question_type\": \"technical\",",
        "Sure! Here is my reply: {\"reply\": \"Hi\"}",
        "```json\n{\"reply\": \"Hi\"}\n```",
        "{\"reply\": \"Hi\"} and some trailing words",
        "{'reply': 'single quotes are not JSON'}",
        "Great answer! What would you do next?",
    })
    void shouldReportInvalidJsonInStrictMode(String reply) {
        Validation v = validator.validate(reply, Mode.STRICT);

        assertThat(v.valid()).isFalse();
        assertThat(v.reason()).isEqualTo(FailureReason.INVALID_JSON);
        assertThat(v.errors()).singleElement().asString().startsWith("line ");
        assertThat(v.json()).isNull();
        assertThat(v.salvaged()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldReportDeeplyNestedJsonAsInvalidRatherThanThrow(Mode mode) {
        String deep = "{\"reply\": " + "[".repeat(600) + "]".repeat(600) + "}";

        assertThat(validator.validate(deep, mode).reason()).isEqualTo(FailureReason.INVALID_JSON);
    }

    @Test
    void shouldReportDuplicateKeysAsInvalidJson() {
        // With "last one wins" the first, out-of-range score would never reach the schema check.
        Validation v = validator.validate(withField("score", "9"), Mode.STRICT);

        assertThat(v.reason()).isEqualTo(FailureReason.INVALID_JSON);
        assertThat(v.errors()).singleElement().asString().contains("Duplicate field 'score'");
    }

    @Test
    void shouldSalvageFencedJson() {
        Validation v = validator.validate("Here is my reply:\n```json\n" + VALID + "\n```\nGood luck!", Mode.SALVAGE);

        assertThat(v.valid()).isTrue();
        assertThat(v.reason()).isNull();
        assertThat(v.salvaged()).isTrue();
        assertThat(v.json().get("question_type").asText()).isEqualTo("technical");
    }

    @Test
    void shouldSalvageJsonFromProseWithStrayBraces() {
        String reply = "As the interviewer {me}, I'd say: " + VALID + " -- hope that helps }";

        Validation v = validator.validate(reply, Mode.SALVAGE);

        assertThat(v.valid()).isTrue();
        assertThat(v.salvaged()).isTrue();
    }

    @Test
    void shouldSalvageJsonWhoseStringsContainBracesAndFences() {
        String json = "{\"reply\": \"Write `{}` or ``` in code, then }\", \"question_type\": \"technical\","
                + " \"follow_up\": false, \"end_interview\": false}";

        Validation v = validator.validate("Reply: " + json, Mode.SALVAGE);

        assertThat(v.valid()).isTrue();
        assertThat(v.json().get("reply").asText()).isEqualTo("Write `{}` or ``` in code, then }");
    }

    @Test
    void shouldNotMarkCleanReplyAsSalvaged() {
        Validation v = validator.validate(VALID, Mode.SALVAGE);

        assertThat(v.valid()).isTrue();
        assertThat(v.salvaged()).isFalse();
    }

    @Test
    void shouldReportSchemaViolationOfSalvagedJson() {
        String fenced = "```json\n" + VALID.replace("\"score\": 4", "\"score\": 6") + "\n```";

        Validation v = validator.validate(fenced, Mode.SALVAGE);

        assertThat(v.reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
        assertThat(v.salvaged()).isTrue();
        assertThat(v.errors()).containsExactly("/score: maximum: must have a maximum value of 5");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "```json\n{\"reply\": \"Tell me about a time you",
        "I'm sorry, I can't produce JSON right now.",
        "Here: [1, 2, 3]",
    })
    void shouldReportInvalidJsonWhenNothingCanBeSalvaged(String reply) {
        Validation v = validator.validate(reply, Mode.SALVAGE);

        assertThat(v.reason()).isEqualTo(FailureReason.INVALID_JSON);
        assertThat(v.errors()).singleElement().asString().startsWith("no JSON object found");
        assertThat(v.salvaged()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldReportEmptyForBlankReply(Mode mode) {
        for (String blank : new String[] {null, "", "   ", "\n\t \n"}) {
            Validation v = validator.validate(blank, mode);

            assertThat(v.valid()).isFalse();
            assertThat(v.reason()).isEqualTo(FailureReason.EMPTY);
            assertThat(v.errors()).isEmpty();
            assertThat(v.json()).isNull();
        }
    }

    @Test
    void shouldAcceptNonAsciiText() {
        String reply = "{\"reply\": \"¡Hola! Erzählen Sie mir von Ihrem letzten Projekt — 你好 👋\","
                + " \"question_type\": \"redirect\", \"follow_up\": false, \"end_interview\": false}";

        assertThat(validator.validate(reply, Mode.STRICT).valid()).isTrue();
    }

    @Test
    void shouldReturnSchemaTextUnchanged() throws IOException {
        assertThat(validator.schemaText()).isEqualTo(Files.readString(schemaFile(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldGiveSameVerdictsFromManyThreads() throws Exception {
        List<String> replies = List.of(VALID, VALID.replace("\"score\": 4", "\"score\": 7"), without("reply"),
                "{\"reply\": ", "", "```json\n" + VALID + "\n```");
        List<Validation> expected = replies.stream().map(r -> validator.validate(r, Mode.SALVAGE)).toList();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        int k = i % replies.size();
                        Validation v = validator.validate(replies.get(k), Mode.SALVAGE);
                        if (!v.equals(expected.get(k))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRejectSchemaFileThatViolatesTheMetaSchema(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.schema.json");
        Files.writeString(file, "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
                + " \"type\": \"object\", \"properties\": {\"reply\": {\"type\": \"strin\", \"maxLength\": -1}}}");

        assertThatThrownBy(() -> ReplyValidator.fromFile(file))
                .isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("/properties/reply/maxLength")
                .hasMessageContaining("/properties/reply/type")
                .satisfies(e -> assertThat(((InvalidSchemaException) e).source()).isEqualTo(file.toString()));
    }

    @Test
    void shouldRejectSchemaFileThatIsNotJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("truncated.schema.json");
        Files.writeString(file, "{\"type\": \"object\", \"properties\": {");

        assertThatThrownBy(() -> ReplyValidator.fromFile(file))
                .isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "true",
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}",
        "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/missing\"}}}",
        "   ",
    })
    void shouldRejectUnusableSchemaText(String schema) {
        assertThatThrownBy(() -> ReplyValidator.fromText(schema, "inline-test"))
                .isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("inline-test");
    }

    @Test
    void shouldAcceptSchemaWithoutDialectOrWithEmptyFragment() {
        assertThat(ReplyValidator.fromText("{\"type\": \"object\"}", "a").validate("{}", Mode.STRICT).valid()).isTrue();
        assertThat(ReplyValidator.fromText(
                "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema#\", \"type\": \"object\"}", "b")
                .validate("[]", Mode.STRICT).reason()).isEqualTo(FailureReason.SCHEMA_VIOLATION);
    }

    @Test
    void shouldRejectInconsistentVerdict() {
        assertThatThrownBy(() -> new Validation(true, FailureReason.EMPTY, List.of(), false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Validation(false, null, List.of(), false, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
