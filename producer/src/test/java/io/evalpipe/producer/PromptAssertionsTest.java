package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A prompt's {@code expect}, and assertion files for every prompt: read, checked, and carried into the jobs. */
class PromptAssertionsTest {
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldReadAPromptsExpectationsInOrderAndPutThemInItsJob() throws Exception {
        Path f = write("set.jsonl", "{\"id\": \"p1\", " + MESSAGES + "}\n"
                + "{\"id\": \"p2\", " + MESSAGES + ", \"expect\": [{\"pointer\": \"/end_interview\", \"equals\": true, \"name\": \"closes\"},"
                + " {\"text_not_contains\": \"As an AI\"}]}\n");

        PromptSet set = PromptSetReader.read(f);

        assertThat(set.prompts().get(0).assertions()).isEmpty();
        List<Assertion> expect = set.prompts().get(1).assertions();
        assertThat(expect).extracting(Assertion::op).containsExactly(AssertionOp.EQUALS, AssertionOp.TEXT_NOT_CONTAINS);
        assertThat(expect).extracting(Assertion::label).containsExactly("closes", "text_not_contains \"As an AI\"");
        Job job = RunProducer.job("run-1", set.prompts().get(1), GenerationParams.DEFAULTS, Instant.EPOCH);
        assertThat(job.assertions()).isEqualTo(expect);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unknown operator | [{"pointer": "/score", "above": 3}]         | :2: expect[0]: unknown operator 'above' (operators: equals, in,
            bad pointer      | [{"pointer": "score", "min": 1}]            | :2: expect[0]: pointer 'score' is not a JSON Pointer
            bad regex        | [{"max_chars": 9}, {"text_matches": "[a-"}] | :2: expect[1]: 'text_matches': bad regex "[a-": Illegal character range at index 3
            wrong value type | [{"pointer": "/score", "min": "1"}]         | :2: expect[0]: 'min' takes a number, got the string "1"
            not a list       | {"pointer": "/score", "min": 1}              | :2: 'expect' must be an array of assertions
            two operators    | [{"pointer": "/score", "min": 1, "max": 5}] | :2: expect[0]: two operators, 'min' and 'max': write one assertion for each
            duplicate key    | [{"pointer": "/a", "pointer": "/b", "exists": true}] | :2: duplicate key 'expect[0].pointer'
            """)
    void shouldRefuseTheLineOfABadAssertionWithFileAndLine(String what, String expect, String message) throws Exception {
        Path f = write("set.jsonl", "{\"id\": \"p1\", " + MESSAGES + "}\n{\"id\": \"p2\", " + MESSAGES + ", \"expect\": " + expect + "}\n");

        assertThatThrownBy(() -> PromptSetReader.read(f)).isInstanceOf(PromptFileException.class)
                .hasMessageStartingWith(f + message)
                .extracting(e -> ((PromptFileException) e).line()).isEqualTo(2);
    }

    @Test
    void shouldReadAnAssertionFileAsAJsonArrayOverSeveralLines() throws Exception {
        Path f = write("shared.json", """
                [
                  {"pointer": "/reply", "exists": true},
                  {"pointer": "/score",
                   "max": 5, "name": "score at most 5"}
                ]
                """);

        List<Assertion> shared = AssertionFile.read(f);

        assertThat(shared).extracting(Assertion::label).containsExactly("/reply exists", "score at most 5");
    }

    @Test
    void shouldReadAnAssertionFileAsOneAssertionALine() throws Exception {
        Path f = write("shared.jsonl", "{\"pointer\": \"/reply\", \"exists\": true}\r\n\n{\"max_chars\": 4000}\n");

        assertThat(AssertionFile.read(f)).extracting(Assertion::op).containsExactly(AssertionOp.EXISTS, AssertionOp.MAX_CHARS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            array, third line     | [\\n {"max_chars": 1},\\n {"pointer": "/a", "min": true}\\n]  | :3: 'min' takes a number, got true
            array, malformed      | [\\n {"max_chars": 1},\\n {"pointer": "/a" "min": 1}\\n]     | :3: malformed JSON: Unexpected character
            array, text after     | [{"max_chars": 1}]\\n[]                                    | :2: text after the array of assertions
            lines, second line    | {"max_chars": 1}\\n{"pointer": "/a", "matches": "("}        | :2: 'matches': bad regex "(": Unclosed group at index 1
            lines, two on a line  | {"max_chars": 1} {"max_chars": 2}                         | :1: malformed JSON: Trailing token
            lines, duplicate key  | {"max_chars": 1, "max_chars": 2}                          | :1: malformed JSON: Duplicate field 'max_chars'
            empty                 | \\n                                                        | : no assertions in file
            empty array           | []                                                        | : no assertions in file
            """)
    void shouldRefuseABadAssertionFileWithFileAndLine(String what, String text, String message) throws Exception {
        Path f = write("shared.json", text.replace("\\n", "\n"));

        assertThatThrownBy(() -> AssertionFile.read(f)).isInstanceOf(PromptFileException.class).hasMessageStartingWith(f + message);
    }

    @Test
    void shouldRefuseAMissingAssertionFile() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> AssertionFile.read(missing)).hasMessage(missing + ": no such file");
    }

    @Test
    void shouldAddTheRunsAssertionsAfterEachPromptsOwnAndKeepTheFilesHash() throws Exception {
        Path f = write("set.jsonl", "{\"id\": \"p1\", " + MESSAGES + ", \"expect\": [{\"pointer\": \"/score\", \"min\": 1}]}\n"
                + "{\"id\": \"p2\", " + MESSAGES + "}\n");
        PromptSet set = PromptSetReader.read(f);
        List<Assertion> shared = AssertionFile.read(write("shared.jsonl", "{\"max_chars\": 4000}\n"));

        PromptSet asserted = set.withAssertions(shared);

        assertThat(asserted.prompts().get(0).assertions()).extracting(Assertion::label).containsExactly("/score min 1", "max_chars 4000");
        assertThat(asserted.prompts().get(1).assertions()).extracting(Assertion::label).containsExactly("max_chars 4000");
        assertThat(asserted.prompts()).extracting(Prompt::line).containsExactly(1, 2);
        assertThat(asserted.sha256()).isEqualTo(set.sha256());
        assertThat(set.withAssertions(List.of())).isSameAs(set);
    }

    @Test
    void shouldCountAssertionsInTheRecordSizeOfAJob() throws Exception {
        String big = "{\"text_not_contains\": \"" + "x".repeat(5_000) + "\"}";
        Path f = write("set.jsonl", "{\"id\": \"p1\", " + MESSAGES + ", \"expect\": [" + String.join(", ", java.util.Collections.nCopies(10, big)) + "]}\n");
        PromptSet set = PromptSetReader.read(f);

        assertThatThrownBy(() -> PromptSetReader.checkRecordSize(set, "run-1", GenerationParams.DEFAULTS, 40_000))
                .hasMessageStartingWith(f + ":1: prompt 'p1' would be a ");
    }
}
