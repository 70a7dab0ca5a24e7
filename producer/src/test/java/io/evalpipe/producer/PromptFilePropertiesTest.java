package io.evalpipe.producer;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/** Whatever a prompt file holds, the reader either reads it or raises {@link PromptFileException}. */
class PromptFilePropertiesTest {
    private final Path file;

    PromptFilePropertiesTest() throws IOException {
        file = Files.createTempFile("prompts", ".jsonl");
    }

    @AfterProperty
    void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Property(tries = 300)
    void shouldRaiseOnlyPromptFileExceptionForRandomBytes(@ForAll byte[] bytes) throws IOException {
        Files.write(file, bytes);
        assertOnlyOwnException();
    }

    @Property(tries = 500)
    void shouldRaiseOnlyPromptFileExceptionForRandomJsonLines(@ForAll("lines") String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        assertOnlyOwnException();
    }

    private void assertOnlyOwnException() {
        assertThatCode(() -> {
            try {
                PromptSetReader.read(file);
            } catch (PromptFileException expected) {
                // the one allowed failure, naming file and line
            }
        }).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("null", "1", "-5", "2.5", "true", "\"\"", "\"user\"", "\"system\"", "[]", "{}",
                        "[{\"role\": \"user\", \"content\": \"hi\"}]", "[{\"role\": \"user\"}]", "[1]", "[null]",
                        "{\"max_tokens\": -1}", "{\"temperature\": 3}", "{\"stop\": [null]}", "{\"seed\": \"x\"}",
                        "{\"output_mode\": \"schema\"}", "{\"stop\": \"x\"}"),
                Arbitraries.strings().ofMaxLength(6).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""));
        Arbitrary<String> key = Arbitraries.of("id", "messages", "params", "role", "content", "extra");
        Arbitrary<String> line = net.jqwik.api.Combinators.combine(key, value).as((k, v) -> "\"" + k + "\": " + v)
                .list().ofMaxSize(4).map(f -> "{" + String.join(", ", f) + "}");
        return line.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("\n", l));
    }
}
