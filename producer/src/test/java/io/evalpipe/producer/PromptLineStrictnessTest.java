package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.evalpipe.contracts.ChatMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines a lenient reader would take while losing or changing prompts: each is refused with
 * {@code FILE:LINE: reason}, and the line ends people really write are still read.
 */
class PromptLineStrictnessTest {
    private static final String P1 = "{\"id\": \"p1\", \"messages\": [{\"role\": \"user\", \"content\": \"one\"}]}";
    private static final String P2 = P1.replace("p1", "p2").replace("one", "two");
    private static final String P3 = P1.replace("p1", "p3").replace("one", "three");

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("set.jsonl");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String withContent(String content) {
        return "{\"id\": \"p2\", \"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}";
    }

    private static String withParams(String params) {
        return "{\"id\": \"p2\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"params\": " + params + "}";
    }

    /** The reason for the second of three lines, the first and third being good. */
    private void assertSecondLineRefused(String badLine, String reason) throws IOException {
        Path f = write(P1 + "\n" + badLine + "\n" + P3 + "\n");
        assertThatThrownBy(() -> PromptSetReader.read(f))
                .isInstanceOf(PromptFileException.class)
                .hasMessage(f + ":2: " + reason)
                .satisfies(e -> assertThat(((PromptFileException) e).line()).isEqualTo(2));
    }

    @Test
    void shouldRefuseRecordsSeparatedByABareCarriageReturn() throws Exception {
        Path f = write(P1 + "\r" + P2 + "\r" + P3 + "\n");

        assertThatThrownBy(() -> PromptSetReader.read(f)).hasMessage(
                f + ":1: a carriage return without a line feed inside the line: lines must end with LF or CRLF");
    }

    @Test
    void shouldNameTheLineWhereTheBareCarriageReturnsStart() throws Exception {
        Path f = write(P1 + "\r\n" + P2 + "\r" + P3 + "\r\n");

        assertThatThrownBy(() -> PromptSetReader.read(f)).hasMessage(
                f + ":2: a carriage return without a line feed inside the line: lines must end with LF or CRLF");
    }

    @Test
    void shouldRefuseABareCarriageReturnEvenInABlankLine() throws Exception {
        Path f = write(P1 + "\n \r \n" + P3 + "\n");

        assertThatThrownBy(() -> PromptSetReader.read(f)).hasMessage(
                f + ":2: a carriage return without a line feed inside the line: lines must end with LF or CRLF");
    }

    @Test
    void shouldRefuseTwoObjectsOnOneLine() throws Exception {
        assertSecondLineRefused(P2 + " " + P3.replace("p3", "p4"),
                "a second JSON object at column " + (P2.length() + 2) + ": one prompt per line");
        assertSecondLineRefused(P2 + P3.replace("p3", "p4"),
                "a second JSON object at column " + (P2.length() + 1) + ": one prompt per line");
    }

    @Test
    void shouldRefuseTextAfterTheObject() throws Exception {
        assertSecondLineRefused(P2 + " x", "unexpected text after the JSON object at column " + (P2.length() + 2));
        assertSecondLineRefused(P2 + "}", "unexpected text after the JSON object at column " + (P2.length() + 1));
        assertSecondLineRefused(P2 + "\t, 1", "unexpected text after the JSON object at column " + (P2.length() + 2));
    }

    @Test
    void shouldRefuseADuplicateKeyNamingItsPath() throws Exception {
        assertSecondLineRefused(withParams("{\"max_tokens\": 16, \"max_tokens\": 4096}"), "duplicate key 'params.max_tokens'");
        assertSecondLineRefused("{\"id\": \"p2\", \"id\": \"p9\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "duplicate key 'id'");
        assertSecondLineRefused("{\"id\": \"p2\", \"messages\": [{\"role\": \"system\", \"content\": \"a\"}, "
                + "{\"role\": \"user\", \"content\": \"b\", \"content\": \"c\"}]}", "duplicate key 'messages[1].content'");
    }

    @Test
    void shouldRefuseANumberWrittenAsAString() throws Exception {
        assertSecondLineRefused(withParams("{\"max_tokens\": \"128\"}"), "params.max_tokens must be an integer, got the string \"128\"");
        assertSecondLineRefused(withParams("{\"seed\": \"42\"}"), "params.seed must be an integer, got the string \"42\"");
        assertSecondLineRefused(withParams("{\"temperature\": \"0.5\"}"), "params.temperature must be a number, got the string \"0.5\"");
        // Jackson reads this one into a Double even with coercion off.
        assertSecondLineRefused(withParams("{\"top_p\": \"NaN\"}"), "params.top_p must be a number, got the string \"NaN\"");
    }

    @Test
    void shouldRefuseAFractionOrExponentForAnInteger() throws Exception {
        assertSecondLineRefused(withParams("{\"max_tokens\": 12.7}"), "params.max_tokens must be an integer (no fraction or exponent), got 12.7");
        assertSecondLineRefused(withParams("{\"max_tokens\": 128.0}"), "params.max_tokens must be an integer (no fraction or exponent), got 128.0");
        assertSecondLineRefused(withParams("{\"top_k\": 1e2}"), "params.top_k must be an integer (no fraction or exponent), got 100.0");
        assertSecondLineRefused(withParams("{\"timeout_ms\": 1.5e3}"), "params.timeout_ms must be an integer (no fraction or exponent), got 1500.0");
    }

    @Test
    void shouldRefuseOtherValuesOfTheWrongType() throws Exception {
        assertSecondLineRefused(withParams("{\"max_tokens\": true}"), "params.max_tokens must be an integer, got true");
        assertSecondLineRefused(withParams("{\"repeat_penalty\": [1]}"), "params.repeat_penalty must be a number, got an array");
        assertSecondLineRefused(withParams("{\"stop\": \"x\"}"), "params.stop must be an array of strings, got the string \"x\"");
        assertSecondLineRefused(withParams("{\"stop\": [\"a\", 5]}"), "params.stop[1] must be a string, got 5");
        assertSecondLineRefused(withParams("{\"output_mode\": {}}"), "params.output_mode must be a string, got an object");
        assertSecondLineRefused(withParams("{\"max_tokens\": \"" + "9".repeat(60) + "\"}"), "params.max_tokens must be an integer, got a string");
    }

    @Test
    void shouldStillReadAnIntegerForANumberAndNullAsUnset() throws Exception {
        Path f = write(withParams("{\"temperature\": 1, \"top_p\": 1, \"seed\": null}") + "\n");

        Prompt prompt = PromptSetReader.read(f).prompts().get(0);

        assertThat(prompt.params().temperature()).isEqualTo(1.0);
        assertThat(prompt.params().topP()).isEqualTo(1.0);
        assertThat(prompt.params().seed()).isNull();
    }

    @Test
    void shouldRefuseAnUnpairedSurrogateNamingTheField() throws Exception {
        assertSecondLineRefused(withContent("caf\\uD800e"),
                "messages[0].content contains an unpaired UTF-16 surrogate \\uD800 (a \\u escape of half a character)");
        assertSecondLineRefused(withContent("smile \\uD83D"),
                "messages[0].content contains an unpaired UTF-16 surrogate \\uD83D (a \\u escape of half a character)");
        assertSecondLineRefused(withContent("\\uDE00\\uD83D"),
                "messages[0].content contains an unpaired UTF-16 surrogate \\uDE00 (a \\u escape of half a character)");
        assertSecondLineRefused("{\"id\": \"p\\uDC00\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "id contains an unpaired UTF-16 surrogate \\uDC00 (a \\u escape of half a character)");
        assertSecondLineRefused("{\"id\": \"p2\", \"messages\": [{\"role\": \"user\\uD800\", \"content\": \"x\"}]}",
                "messages[0].role contains an unpaired UTF-16 surrogate \\uD800 (a \\u escape of half a character)");
        assertSecondLineRefused(withParams("{\"stop\": [\"\\n\", \"end\\uDBFF\"]}"),
                "params.stop[1] contains an unpaired UTF-16 surrogate \\uDBFF (a \\u escape of half a character)");
        assertSecondLineRefused(withParams("{\"output_mode\": \"\\uD800\"}"),
                "params.output_mode contains an unpaired UTF-16 surrogate \\uD800 (a \\u escape of half a character)");
    }

    @Test
    void shouldRefuseAnUnpairedSurrogateInAFieldName() throws Exception {
        assertSecondLineRefused("{\"id\": \"p2\", \"\\uD800\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "a field name contains an unpaired UTF-16 surrogate \\uD800 (a \\u escape of half a character)");
        assertSecondLineRefused(withParams("{\"seed\\uDC00\": 1}"),
                "a field name in params contains an unpaired UTF-16 surrogate \\uDC00 (a \\u escape of half a character)");
    }

    @Test
    void shouldReadAnEscapedSurrogatePairAsOneCharacter() throws Exception {
        Path f = write(withContent("smile \\uD83D\\uDE00") + "\n");

        assertThat(PromptSetReader.read(f).prompts().get(0).messages())
                .containsExactly(new ChatMessage("user", "smile \uD83D\uDE00"));
    }

    @Test
    void shouldReadCrlfLineEnds() throws Exception {
        Path f = write(P1 + "\r\n" + P2 + "\r\n" + P3 + "\r\n");

        assertThat(PromptSetReader.read(f).prompts()).extracting(Prompt::id, Prompt::line)
                .containsExactly(tuple("p1", 1), tuple("p2", 2), tuple("p3", 3));
    }

    @Test
    void shouldReadABlankLineInTheMiddleKeepingLineNumbers() throws Exception {
        Path f = write(P1 + "\n\n  \t\n" + P2 + "\r\n\r\n" + P3 + "\n");

        assertThat(PromptSetReader.read(f).prompts()).extracting(Prompt::line).containsExactly(1, 4, 6);
    }

    @Test
    void shouldReadAFileWithoutAFinalNewline() throws Exception {
        assertThat(PromptSetReader.read(write(P1 + "\n" + P2 + "\n" + P3)).prompts()).extracting(Prompt::id)
                .containsExactly("p1", "p2", "p3");
        // A CRLF file that lost only its last LF: the CR ends the last line, no prompt is lost.
        assertThat(PromptSetReader.read(write(P1 + "\r\n" + P2 + "\r\n" + P3 + "\r")).prompts()).extracting(Prompt::id)
                .containsExactly("p1", "p2", "p3");
    }

    @Test
    void shouldReadSpacesAndTabsAfterTheObject() throws Exception {
        assertThat(PromptSetReader.read(write(P1 + " \t \n" + P2 + "\t\r\n")).prompts()).extracting(Prompt::id)
                .containsExactly("p1", "p2");
    }
}
