package io.evalpipe.producer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionRules;
import io.evalpipe.contracts.assertions.InvalidAssertionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of assertions for every prompt of a run ({@code --assert FILE}, a suite's {@code assert:
 * FILE}): a JSON array of them, which may span lines, or one per line (JSONL). Checked like a prompt
 * file, each mistake reported as {@code FILE:LINE: reason} before anything is enqueued.
 */
public final class AssertionFile {
    static final long MAX_BYTES = 1024 * 1024;
    /** Reads one element of the array at a time; what follows it is the array's business, not an error. */
    private static final ObjectReader ELEMENT = Json.STRICT.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AssertionFile() {}

    public static List<Assertion> read(Path file) throws PromptFileException {
        String text = readText(file);
        String body = text.strip();
        List<Assertion> assertions = body.startsWith("[") ? array(file, text) : lines(file, text);
        if (assertions.isEmpty()) {
            throw new PromptFileException(file, 0, "no assertions in file");
        }
        if (assertions.size() > AssertionRules.MAX_PER_LIST) {
            throw new PromptFileException(file, 0, assertions.size() + " assertions, more than " + AssertionRules.MAX_PER_LIST);
        }
        return List.copyOf(assertions);
    }

    /** {@code [{...}, {...}]}: each error names the line its assertion starts on. */
    private static List<Assertion> array(Path file, String text) throws PromptFileException {
        List<Assertion> assertions = new ArrayList<>();
        try (JsonParser parser = ELEMENT.createParser(text)) {
            try {
                parser.nextToken(); // the '['
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    int line = parser.currentTokenLocation().getLineNr();
                    assertions.add(parse(file, line, ELEMENT.readTree(parser)));
                }
                if (parser.nextToken() != null) {
                    throw new PromptFileException(file, parser.currentTokenLocation().getLineNr(), "text after the array of assertions");
                }
            } catch (JsonProcessingException e) {
                throw new PromptFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                        "malformed JSON: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw new PromptFileException(file, 0, "malformed JSON: " + e.getMessage()); // a String has no I/O to fail
        }
        return assertions;
    }

    /** One assertion a line; blank lines are fine. */
    private static List<Assertion> lines(Path file, String text) throws PromptFileException {
        List<Assertion> assertions = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.STRICT.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new PromptFileException(file, i + 1, "malformed JSON: " + e.getOriginalMessage());
            }
            assertions.add(parse(file, i + 1, node));
        }
        return assertions;
    }

    private static Assertion parse(Path file, int line, JsonNode node) throws PromptFileException {
        try {
            return AssertionRules.parse(node);
        } catch (InvalidAssertionException e) {
            throw new PromptFileException(file, line, e.getMessage());
        }
    }

    private static String readText(Path file) throws PromptFileException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new PromptFileException(file, 0, "file is " + size + " bytes, over the limit of " + MAX_BYTES);
            }
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, 0, "no such file");
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, 0, "not valid UTF-8");
        } catch (IOException e) {
            throw new PromptFileException(file, 0, "cannot read: " + e.getMessage());
        }
    }
}
