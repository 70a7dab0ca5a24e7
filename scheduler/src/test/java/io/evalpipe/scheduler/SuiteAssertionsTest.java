package io.evalpipe.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A suite's {@code assert:}, a list in the suite or an assertion file beside it, checked when the suite is read. */
class SuiteAssertionsTest {
    @TempDir
    Path dir;

    private Path suite(String assertLine) throws IOException {
        Path f = dir.resolve("suite.yaml");
        Files.writeString(f, "name: s\nprompts: p.jsonl\n" + assertLine + "\n");
        return f;
    }

    @Test
    void shouldReadAListOfAssertionsWrittenInTheSuite() throws IOException {
        Suite s = SuiteFile.read(suite("assert:\n  - {pointer: /score, min: 1, name: scores}\n  - {text_not_contains: As an AI}"));

        assertThat(s.assertions()).extracting(Assertion::op).containsExactly(AssertionOp.MIN, AssertionOp.TEXT_NOT_CONTAINS);
        assertThat(s.assertions()).extracting(Assertion::label).containsExactly("scores", "text_not_contains \"As an AI\"");
    }

    @Test
    void shouldReadAnAssertionFileRelativeToTheSuite() throws IOException {
        Files.writeString(dir.resolve("shared.jsonl"), "{\"pointer\": \"/reply\", \"exists\": true}\n");

        Suite s = SuiteFile.read(suite("assert: shared.jsonl"));

        assertThat(s.assertions()).extracting(Assertion::label).containsExactly("/reply exists");
        assertThat(SuiteFile.read(suite("")).assertions()).isEmpty();
    }

    @Test
    void shouldRejectABadAssertionNamingTheSuiteAndWhere() throws IOException {
        Path f = suite("assert: [{pointer: score, min: 1}]");

        assertThatThrownBy(() -> SuiteFile.read(f)).isInstanceOf(ScheduleInputException.class)
                .hasMessage(f + ": assert[0]: pointer 'score' is not a JSON Pointer: empty, or starting with '/', '~' only as ~0 or ~1 (RFC 6901)");
        Path notAList = suite("assert: {pointer: /a, exists: true}");
        assertThatThrownBy(() -> SuiteFile.read(notAList)).hasMessageStartingWith(notAList + ": 'assert' must be a list of assertions");
    }

    @Test
    void shouldRejectABadAssertionFileWithItsLine() throws IOException {
        Path shared = dir.resolve("shared.jsonl");
        Files.writeString(shared, "{\"max_chars\": 10}\n{\"pointer\": \"/a\", \"matches\": \"(\"}\n");
        Path f = suite("assert: shared.jsonl");

        assertThatThrownBy(() -> SuiteFile.read(f)).isInstanceOf(ScheduleInputException.class)
                .hasMessage(f + ": assert: " + shared + ":2: 'matches': bad regex \"(\": Unclosed group at index 1");
    }
}
