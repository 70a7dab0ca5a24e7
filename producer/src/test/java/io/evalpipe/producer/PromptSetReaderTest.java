package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.ChatMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptSetReaderTest {
    private static final String GOOD = "{\"id\": \"p1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("set.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void shouldReadPromptsWithTheirOverridesAndHashTheFile() throws Exception {
        Path f = file(
                "{\"id\": \"p1\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"hi\"}], \"params\": {\"max_tokens\": 64, \"stop\": [\"\\n\\n\"]}}",
                "",
                "{\"id\": \"p2\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}");

        PromptSet set = PromptSetReader.read(f);

        assertThat(set.name()).isEqualTo("set");
        assertThat(set.sha256()).hasSize(64).isEqualTo(PromptSetReader.sha256(Files.readAllBytes(f)));
        assertThat(set.prompts()).extracting(Prompt::id).containsExactly("p1", "p2");
        assertThat(set.prompts().get(0).messages()).containsExactly(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "hi"));
        assertThat(set.prompts().get(0).params().maxTokens()).isEqualTo(64);
        assertThat(set.prompts().get(0).params().stop()).containsExactly("\n\n");
        assertThat(set.prompts().get(1).params().maxTokens()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON       | {"id": "p2", "messages": [                                                        | malformed JSON
            not an object        | [1, 2]                                                                             | expected a JSON object
            missing id           | {"messages": [{"role": "user", "content": "x"}]}                                  | missing field 'id'
            unsafe id            | {"id": "../x", "messages": [{"role": "user", "content": "x"}]}                    | id '../x' must be
            duplicate id         | {"id": "p1", "messages": [{"role": "user", "content": "x"}]}                      | duplicate prompt id 'p1' (first on line 1)
            missing messages     | {"id": "p2"}                                                                       | missing field 'messages'
            empty messages       | {"id": "p2", "messages": []}                                                       | 'messages' must be a non-empty array
            bad role             | {"id": "p2", "messages": [{"role": "robot", "content": "x"}]}                     | messages[0].role must be one of
            empty content        | {"id": "p2", "messages": [{"role": "user", "content": " "}]}                      | messages[0].content must be a non-empty string
            last not user        | {"id": "p2", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]} | the last message must be the user's
            unknown field        | {"id": "p2", "prompt": "x", "messages": [{"role": "user", "content": "x"}]}       | unknown field 'prompt'
            unknown parameter    | {"id": "p2", "messages": [{"role": "user", "content": "x"}], "params": {"max_tokenz": 5}} | unknown parameter 'max_tokenz'
            negative max tokens  | {"id": "p2", "messages": [{"role": "user", "content": "x"}], "params": {"max_tokens": -1}} | params.max_tokens: must be between 1 and 32768, got -1
            temperature above 2  | {"id": "p2", "messages": [{"role": "user", "content": "x"}], "params": {"temperature": 2.5}} | params.temperature: must be between 0 and 2, got 2.5
            bad output mode      | {"id": "p2", "messages": [{"role": "user", "content": "x"}], "params": {"output_mode": "xml"}} | params.output_mode: must be free, json or schema
            wrong param type     | {"id": "p2", "messages": [{"role": "user", "content": "x"}], "params": {"max_tokens": "many"}} | params.max_tokens must be an integer, got the string "many"
            """)
    void shouldNameFileAndLineOfABadLine(String caseName, String badLine, String reason) throws Exception {
        Path f = file(GOOD, badLine.strip(), GOOD.replace("p1", "p3"));

        assertThatThrownBy(() -> PromptSetReader.read(f))
                .isInstanceOf(PromptFileException.class)
                .hasMessageStartingWith(f + ":2: ")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((PromptFileException) e).line()).isEqualTo(2));
    }

    @Test
    void shouldRejectAFileThatIsNotUtf8NamingTheLine() throws Exception {
        Path f = dir.resolve("latin1.jsonl");
        byte[] good = (GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"id\": \"p2\", \"messages\": [{\"role\": \"user\", \"content\": \"caf\u00e9\"}]}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(f, all);

        assertThatThrownBy(() -> PromptSetReader.read(f)).hasMessage(f + ":2: not valid UTF-8");
    }

    @Test
    void shouldRejectAnEmptyOrMissingFile() throws Exception {
        Path empty = file("", "  ");
        assertThatThrownBy(() -> PromptSetReader.read(empty)).hasMessage(empty + ": no prompts in file");
        Path missing = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> PromptSetReader.read(missing)).hasMessage(missing + ": no such file");
    }

    @Test
    void shouldReadTheShippedPromptSets() throws Exception {
        Path root = Path.of(System.getProperty("evalpipe.root", ".."));
        assertThat(PromptSetReader.read(root.resolve("prompts/interview_chat_20.jsonl")).prompts()).hasSize(20);
        assertThat(PromptSetReader.read(root.resolve("prompts/interview_chat_200.jsonl")).prompts()).hasSize(200);
    }
}
