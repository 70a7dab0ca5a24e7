package io.evalpipe.worker.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionRules;
import io.evalpipe.worker.validate.ReplyValidator.Mode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed prompt sets and schema, checked as the producer and llama.cpp will see them. */
class PromptFilesTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final Set<String> PARAMS = Set.of("max_tokens", "temperature", "top_p", "top_k", "repeat_penalty",
            "seed", "stop", "timeout_ms", "output_mode");

    private static Path prompts(String name) {
        return ReplyValidatorTest.repoRoot().resolve("prompts").resolve(name);
    }

    /** Decodes strictly: a malformed byte must fail here, not turn into U+FFFD in a prompt. */
    private static List<String> lines(String name) throws IOException {
        byte[] bytes = Files.readAllBytes(prompts(name));
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        assertThat(text).as("%s ends with a newline", name).endsWith("\n");
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    @Test
    void shouldHaveExactlyTwentyAndTwoHundredPrompts() throws IOException {
        assertThat(lines("interview_chat_20.jsonl")).hasSize(20);
        assertThat(lines("interview_chat_200.jsonl")).hasSize(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interview_chat_20.jsonl", "interview_chat_200.jsonl"})
    void shouldHaveWellFormedPromptOnEveryLine(String name) throws IOException {
        SoftAssertions softly = new SoftAssertions();
        Set<String> ids = new HashSet<>();
        List<String> lines = lines(name);
        for (int i = 0; i < lines.size(); i++) {
            String where = name + ":" + (i + 1);
            JsonNode prompt = JSON.readTree(lines.get(i));
            softly.assertThat(prompt.isObject()).as("%s is an object", where).isTrue();
            softly.assertThat(fieldNames(prompt)).as("%s fields", where).isSubsetOf("id", "messages", "params", "expect");

            String id = prompt.path("id").asText("");
            softly.assertThat(ID.matcher(id).matches()).as("%s id '%s'", where, id).isTrue();
            softly.assertThat(ids.add(id)).as("%s id '%s' is unique", where, id).isTrue();

            JsonNode messages = prompt.path("messages");
            softly.assertThat(messages.isArray() && !messages.isEmpty()).as("%s has messages", where).isTrue();
            for (JsonNode message : messages) {
                softly.assertThat(fieldNames(message)).as("%s message fields", where).containsOnly("role", "content");
                softly.assertThat(message.path("role").asText()).as("%s role", where).isIn(ROLES);
                softly.assertThat(message.path("content").isTextual() && !message.path("content").asText().isBlank())
                        .as("%s content is non-blank text", where).isTrue();
            }
            softly.assertThat(messages.path(messages.size() - 1).path("role").asText())
                    .as("%s ends with the candidate's turn", where).isEqualTo("user");

            JsonNode params = prompt.get("params");
            if (params != null) {
                softly.assertThat(params.isObject()).as("%s params is an object", where).isTrue();
                softly.assertThat(fieldNames(params)).as("%s params keys", where).isSubsetOf(PARAMS);
                if (params.has("max_tokens")) {
                    softly.assertThat(params.get("max_tokens").canConvertToInt() && params.get("max_tokens").asInt() > 0)
                            .as("%s max_tokens is a positive integer", where).isTrue();
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void shouldShareOneShortSystemMessage() throws IOException {
        Set<String> systems = new HashSet<>();
        for (String name : List.of("interview_chat_20.jsonl", "interview_chat_200.jsonl")) {
            for (String line : lines(name)) {
                JsonNode first = JSON.readTree(line).path("messages").path(0);
                assertThat(first.path("role").asText()).isEqualTo("system");
                systems.add(first.path("content").asText());
            }
        }
        // One identical prefix is what the prompt cache reuses; its length is paid on every prompt.
        assertThat(systems).singleElement().asString()
                .hasSizeLessThan(600)
                .contains("interview_chat", "reply", "question_type", "follow_up", "score", "end_interview");
    }

    @Test
    void shouldTakeTheTwentyVerbatimFromTheTwoHundred() throws IOException {
        assertThat(lines("interview_chat_200.jsonl")).containsAll(lines("interview_chat_20.jsonl"));
    }

    @Test
    void shouldGiveEveryPromptExpectationsOnFieldsTheSchemaHas() throws Exception {
        Set<String> properties = new HashSet<>(fieldNames(JSON.readTree(ReplyValidatorTest.schemaFile().toFile()).path("properties")));
        SoftAssertions softly = new SoftAssertions();
        for (String line : lines("interview_chat_200.jsonl")) {
            JsonNode prompt = JSON.readTree(line);
            String id = prompt.path("id").asText();
            List<Assertion> expect = AssertionRules.parseList(prompt.path("expect"), "expect");
            softly.assertThat(expect).as("%s has expectations", id).isNotEmpty();
            for (Assertion a : expect) {
                // A pointer to a field the schema does not have could never hold: a typo, not an expectation.
                softly.assertThat(properties).as("%s: %s", id, a.label()).contains(a.pointer().substring(1));
            }
        }
        softly.assertAll();
    }

    @Test
    void shouldExpectAnInterviewerToCloseScoreAndProbeWhereTheTurnCallsForIt() throws IOException {
        List<String> expectations = new ArrayList<>();
        for (String line : lines("interview_chat_20.jsonl")) {
            JSON.readTree(line).path("expect").forEach(e -> expectations.add(e.toString()));
        }

        assertThat(expectations).contains(
                "{\"name\":\"closes the interview\",\"pointer\":\"/end_interview\",\"equals\":true}",
                "{\"name\":\"scores the answer 1-5\",\"pointer\":\"/score\",\"min\":1}",
                "{\"name\":\"scores the answer 1-5\",\"pointer\":\"/score\",\"max\":5}",
                "{\"name\":\"asks a behavioral follow-up\",\"pointer\":\"/question_type\",\"equals\":\"behavioral\"}");
    }

    @Test
    void shouldShowOnlySchemaValidInterviewerTurns() throws IOException {
        // Earlier interviewer turns act as examples: an invalid one would teach the model a wrong shape.
        ReplyValidator validator = ReplyValidator.fromFile(ReplyValidatorTest.schemaFile());
        SoftAssertions softly = new SoftAssertions();
        for (String line : lines("interview_chat_200.jsonl")) {
            JsonNode prompt = JSON.readTree(line);
            for (JsonNode message : prompt.path("messages")) {
                if (message.path("role").asText().equals("assistant")) {
                    Validation v = validator.validate(message.path("content").asText(), Mode.STRICT);
                    softly.assertThat(v.valid()).as("%s: %s", prompt.path("id").asText(), v.errors()).isTrue();
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void shouldHaveSchemaThatIsValidAndBounded() throws IOException {
        ReplyValidator.fromFile(ReplyValidatorTest.schemaFile());
        JsonNode schema = JSON.readTree(ReplyValidatorTest.schemaFile().toFile());

        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(fieldNames(schema)).contains("$id", "title", "description");
        List<String> problems = new ArrayList<>();
        walk(schema, "", problems);
        assertThat(problems).isEmpty();
    }

    /**
     * llama.cpp's grammar only yields valid JSON when every string and array is bounded, so every string needs
     * maxLength (and every enum value must fit it), every array maxItems, every object additionalProperties: false.
     */
    private static void walk(JsonNode schema, String at, List<String> problems) {
        if (!schema.isObject()) {
            return;
        }
        Set<String> types = new HashSet<>();
        schema.path("type").forEach(t -> types.add(t.asText()));
        if (schema.path("type").isTextual()) {
            types.add(schema.path("type").asText());
        }
        if (types.contains("string")) {
            int max = schema.path("maxLength").asInt(-1);
            if (max < 0) {
                problems.add(at + ": string without maxLength");
            }
            for (JsonNode value : schema.path("enum")) {
                if (value.asText().length() > max) {
                    problems.add(at + ": enum value '" + value.asText() + "' longer than maxLength " + max);
                }
            }
        }
        if (types.contains("array") && !schema.path("maxItems").canConvertToInt()) {
            problems.add(at + ": array without maxItems");
        }
        if (types.contains("object") && !schema.path("additionalProperties").isBoolean()) {
            problems.add(at + ": object without additionalProperties: false");
        } else if (types.contains("object") && schema.path("additionalProperties").asBoolean()) {
            problems.add(at + ": object allows additional properties");
        }
        if (types.isEmpty() && !schema.has("enum") && !schema.has("const") && !schema.has("$ref")) {
            problems.add(at + ": schema without a type");
        }
        for (String keyword : List.of("properties", "$defs", "patternProperties")) {
            for (Map.Entry<String, JsonNode> entry : schema.path(keyword).properties()) {
                walk(entry.getValue(), at + "/" + keyword + "/" + entry.getKey(), problems);
            }
        }
        for (String keyword : List.of("items", "additionalProperties", "not", "if", "then", "else")) {
            walk(schema.path(keyword), at + "/" + keyword, problems);
        }
        for (String keyword : List.of("prefixItems", "anyOf", "oneOf", "allOf")) {
            JsonNode list = schema.path(keyword);
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), at + "/" + keyword + "/" + i, problems);
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
