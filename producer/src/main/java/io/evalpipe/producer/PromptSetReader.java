package io.evalpipe.producer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Ids;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSONL prompt file and checks every line before anything is enqueued: one bad line must
 * stop the whole set, because a run with a silently skipped prompt reports a wrong pass rate.
 *
 * <pre>{"id": "IQ-01", "messages": [{"role": "user", "content": "..."}], "params": {"max_tokens": 128},
 *  "expect": [{"pointer": "/score", "min": 1}]}</pre>
 */
public final class PromptSetReader {

    /** Far above the 20-200 prompts a run has; a bigger file is almost certainly the wrong file. */
    public static final int MAX_PROMPTS = 10_000;
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final Set<String> FIELDS = Set.of("id", "messages", "params", "expect");
    /**
     * Reads a line's first JSON value only, and leaves what follows it to {@link #parseJson}: Jackson's
     * own trailing-token check cannot tell two prompts on one line from garbage, nor say where either starts.
     */
    private static final ObjectReader FIRST_VALUE = Json.STRICT.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PromptSetReader() {}

    public static PromptSet read(Path file) throws PromptFileException {
        byte[] bytes = readBytes(file);
        String text = decodeUtf8(file, bytes);
        List<Prompt> prompts = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.indexOf('\r') >= 0) {
                // Records ended by a bare CR (old Mac style) would be read as one line, and every prompt
                // but the first lost; a CR anywhere else in a line is never meant either.
                throw new PromptFileException(file, lineNo,
                        "a carriage return without a line feed inside the line: lines must end with LF or CRLF");
            }
            if (line.isBlank()) {
                continue;
            }
            Prompt prompt = parseLine(file, lineNo, line);
            Integer earlier = lineOfId.putIfAbsent(prompt.id(), lineNo);
            if (earlier != null) {
                throw new PromptFileException(file, lineNo, "duplicate prompt id '" + prompt.id() + "' (first on line " + earlier + ")");
            }
            prompts.add(prompt);
            if (prompts.size() > MAX_PROMPTS) {
                throw new PromptFileException(file, lineNo, "more than " + MAX_PROMPTS + " prompts");
            }
        }
        if (prompts.isEmpty()) {
            throw new PromptFileException(file, 0, "no prompts in file");
        }
        return new PromptSet(baseName(file), file, sha256(bytes), prompts);
    }

    /**
     * Checks that every prompt, as the job record {@link RunProducer#enqueue} will send for it, fits
     * in one Kafka record. Call it before a broker or a model is started: the producer would
     * otherwise only find out at the send, with the run half set up.
     *
     * @param runId          the run's id ({@link RunProducer#newRunId}): it is in every job and its key
     * @param runParams      as they will be given to {@link RunProducer#enqueue}
     * @param maxRecordBytes the largest record that may be sent ({@link RunProducer#recordLimit})
     * @throws PromptFileException naming the file and line of the first prompt too big
     */
    public static void checkRecordSize(PromptSet set, String runId, GenerationParams runParams, int maxRecordBytes)
            throws PromptFileException {
        for (Prompt prompt : set.prompts()) {
            int bytes = RecordSize.ofJob(runId, prompt, runParams);
            if (bytes > maxRecordBytes) {
                throw new PromptFileException(set.source(), prompt.line(), "prompt '" + prompt.id() + "' would be a " + bytes
                        + "-byte job, over the " + maxRecordBytes + "-byte record limit (max.request.size, max.message.bytes)");
            }
        }
    }

    private static byte[] readBytes(Path file) throws PromptFileException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new PromptFileException(file, 0, "file is " + size + " bytes, over the limit of " + MAX_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, 0, "no such file");
        } catch (IOException e) {
            throw new PromptFileException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private static String decodeUtf8(Path file, byte[] bytes) throws PromptFileException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, firstBadUtf8Line(bytes), "not valid UTF-8");
        }
    }

    private static int firstBadUtf8Line(byte[] bytes) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                try {
                    StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, i - start));
                } catch (CharacterCodingException e) {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return 0;
    }

    private static Prompt parseLine(Path file, int lineNo, String line) throws PromptFileException {
        JsonNode node = parseJson(file, lineNo, line);
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new PromptFileException(file, lineNo, "unknown field '" + name + "' (allowed: id, messages, params, expect)");
            }
        }
        String id = requireText(file, lineNo, node, "id");
        if (!Ids.isSafe(id)) {
            throw new PromptFileException(file, lineNo, "id '" + id + "' must be 1-128 characters of [A-Za-z0-9._-]");
        }
        List<ChatMessage> messages = parseMessages(file, lineNo, node.get("messages"));
        GenerationParams params = PromptParams.parse(file, lineNo, node.get("params"));
        return new Prompt(id, messages, params, expect(file, lineNo, node.get("expect")), lineNo);
    }

    /** The line's one JSON object, its strings whole Unicode text, nothing after it. */
    private static JsonNode parseJson(Path file, int lineNo, String line) throws PromptFileException {
        JsonNode node;
        int end;
        try (JsonParser parser = FIRST_VALUE.createParser(line)) {
            try {
                node = FIRST_VALUE.readTree(parser);
            } catch (JsonProcessingException e) {
                throw new PromptFileException(file, lineNo, isDuplicateKey(e)
                        ? "duplicate key '" + JsonText.path(parser.getParsingContext()) + "'"
                        : "malformed JSON: " + e.getOriginalMessage());
            }
            end = (int) parser.currentLocation().getCharOffset();
        } catch (IOException e) {
            throw new PromptFileException(file, lineNo, "malformed JSON: " + e.getMessage()); // a String has no I/O to fail
        }
        if (node == null || !node.isObject()) {
            throw new PromptFileException(file, lineNo, "expected a JSON object");
        }
        int next = end;
        while (next < line.length() && (line.charAt(next) == ' ' || line.charAt(next) == '\t')) {
            next++;
        }
        if (next < line.length()) {
            throw new PromptFileException(file, lineNo, line.charAt(next) == '{'
                    ? "a second JSON object at column " + (next + 1) + ": one prompt per line"
                    : "unexpected text after the JSON object at column " + (next + 1));
        }
        String surrogate = JsonText.unpairedSurrogate(node, "");
        if (surrogate != null) {
            throw new PromptFileException(file, lineNo, surrogate);
        }
        return node;
    }

    /**
     * Jackson has no exception type of its own for a duplicate key, only its message; were that to
     * change, the line would still be refused, as malformed JSON.
     */
    private static boolean isDuplicateKey(JsonProcessingException e) {
        return e instanceof StreamReadException && e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '");
    }

    private static String requireText(Path file, int lineNo, JsonNode node, String field) throws PromptFileException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new PromptFileException(file, lineNo, "missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new PromptFileException(file, lineNo, "field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static List<ChatMessage> parseMessages(Path file, int lineNo, JsonNode array) throws PromptFileException {
        if (array == null || array.isNull()) {
            throw new PromptFileException(file, lineNo, "missing field 'messages'");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw new PromptFileException(file, lineNo, "'messages' must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw new PromptFileException(file, lineNo, where + " must be an object");
            }
            String role = m.path("role").asText(null);
            if (role == null || !ROLES.contains(role)) {
                throw new PromptFileException(file, lineNo, where + ".role must be one of system, user, assistant");
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isTextual() || content.asText().isBlank()) {
                throw new PromptFileException(file, lineNo, where + ".content must be a non-empty string");
            }
            if (m.size() != 2) {
                throw new PromptFileException(file, lineNo, where + " may only have 'role' and 'content'");
            }
            messages.add(new ChatMessage(role, content.asText()));
        }
        if (!"user".equals(messages.get(messages.size() - 1).role())) {
            throw new PromptFileException(file, lineNo, "the last message must be the user's: the model answers it");
        }
        return messages;
    }

    /** A prompt's own assertions: each one checkable, or the line is refused like any other mistake in it. */
    private static List<Assertion> expect(Path file, int lineNo, JsonNode node) throws PromptFileException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        try {
            return AssertionRules.parseList(node, "expect");
        } catch (InvalidAssertionException e) {
            throw new PromptFileException(file, lineNo, e.getMessage());
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

}
