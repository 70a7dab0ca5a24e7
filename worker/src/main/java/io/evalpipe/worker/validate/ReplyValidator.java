package io.evalpipe.worker.validate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks model replies against one JSON Schema (draft 2020-12).
 *
 * <p>Immutable and thread-safe: the compiled schema and the JSON mapper are only read after construction (the schema
 * is compiled eagerly), so the workers of one process share a single instance.
 *
 * <p>Replies are parsed with Jackson 2, whose tree the rest of the pipeline uses ({@link Validation#json()}), but
 * networknt 3.x is built on Jackson 3 ({@code tools.jackson}), so the parsed tree is handed over as text. The strict
 * Jackson 2 parse runs first, so networknt only ever reads well-formed, duplicate-free JSON and the two cannot
 * disagree about what the reply says.
 */
public final class ReplyValidator {

    /** How strictly a reply must be JSON before it is checked against the schema. */
    public enum Mode {
        /** The whole reply, once trimmed, must be the JSON object: what grammar-constrained output should give. */
        STRICT,
        /**
         * The first JSON object is taken from a ```json fence or from surrounding prose, so that models run
         * without a grammar can still be scored on content; such verdicts are marked {@code salvaged}.
         */
        SALVAGE
    }

    private static final Logger log = LoggerFactory.getLogger(ReplyValidator.class);

    /** Parse errors quote the reply; keep them short enough to sit in a result record. */
    private static final int MAX_ERROR_CHARS = 240;
    /** Salvage tries at most this many '{' positions, so a pathological reply cannot cost quadratic time. */
    private static final int MAX_SALVAGE_ATTEMPTS = 64;

    /**
     * Far deeper than any reply schema; kept below Jackson 3's own default limit so that networknt's re-read can
     * never reject what this parse accepted (it would throw instead of returning a verdict).
     */
    private static final int MAX_NESTING_DEPTH = 64;

    // Strict on purpose: trailing text after the object must fail STRICT mode, and with duplicate keys a
    // "last one wins" parse could hide a violating first value from the schema check.
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // JSON pointers make errors comparable across runs and tools; a fixed locale keeps messages stable
    // whatever the host's default locale (networknt ships translated messages).
    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .locale(Locale.ENGLISH)
            .build();

    private final String source;
    private final String schemaText;
    private final Schema schema;

    private ReplyValidator(String source, String schemaText, Schema schema) {
        this.source = source;
        this.schemaText = schemaText;
        this.schema = schema;
    }

    /** The schema's name where no file is given; the jar's copy of {@code schemas/interview_chat.schema.json}. */
    public static final String BUILT_IN = "interview_chat.schema.json";

    /**
     * The built-in interview_chat schema, read from the class path (the worker jar carries a copy of
     * the repository's {@code schemas/interview_chat.schema.json}), so it does not depend on the
     * current folder.
     */
    public static ReplyValidator builtIn() {
        try (InputStream in = ReplyValidator.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the class path: the build copies it from schemas/");
            }
            return fromText(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN + " (built in)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in schema " + BUILT_IN, e);
        }
    }

    /**
     * Loads and checks a schema file.
     *
     * @throws InvalidSchemaException naming the file when it is not JSON or not a valid 2020-12 schema
     * @throws UncheckedIOException   when the file cannot be read at all
     */
    public static ReplyValidator fromFile(Path schemaFile) {
        Objects.requireNonNull(schemaFile, "schemaFile");
        String text;
        try {
            text = Files.readString(schemaFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON schema " + schemaFile, e);
        }
        return fromText(text, schemaFile.toString());
    }

    /**
     * Checks a schema given as text.
     *
     * @param sourceName where the text came from, quoted in errors
     * @throws InvalidSchemaException when the text is not JSON or not a valid 2020-12 schema
     */
    public static ReplyValidator fromText(String schemaJson, String sourceName) {
        String source = Objects.requireNonNullElse(sourceName, "<schema>");
        if (schemaJson == null || schemaJson.isBlank()) {
            throw new InvalidSchemaException(source, List.of("empty"));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(schemaJson);
        } catch (JacksonException e) {
            throw new InvalidSchemaException(source, List.of("not valid JSON: " + describe(e)), e);
        }
        // A boolean schema is valid 2020-12 but gives llama.cpp nothing to build a grammar from.
        if (!root.isObject()) {
            throw new InvalidSchemaException(source, List.of("the schema must be a JSON object"));
        }
        JsonNode dialect = root.get("$schema");
        if (dialect != null && !isDraft202012(dialect)) {
            throw new InvalidSchemaException(source,
                    List.of("$schema is " + dialect + ", only " + DialectId.DRAFT_2020_12 + " is supported"));
        }

        // networknt compiles many malformed schemas without complaint ({"type": 5} simply never matches),
        // so the meta-schema is the only real check.
        List<String> problems = MetaSchema.INSTANCE.validate(schemaJson, InputFormat.JSON).stream()
                .map(ReplyValidator::format)
                .toList();
        if (!problems.isEmpty()) {
            throw new InvalidSchemaException(source, problems);
        }
        // A registry per schema: registries cache by $id, and two schemas sharing an $id must not see each other.
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, builder -> builder.schemaRegistryConfig(CONFIG));
        Schema schema;
        try {
            schema = registry.getSchema(schemaJson, InputFormat.JSON);
            // Compile now rather than lazily on the first reply: unresolvable $refs surface here,
            // and no two workers race through lazy initialisation.
            schema.initializeValidators();
        } catch (RuntimeException e) {
            // Mostly SchemaException (an unresolvable $ref, say); whatever it is, this schema cannot be used.
            throw new InvalidSchemaException(source, List.of(String.valueOf(e.getMessage())), e);
        }
        log.info("Loaded reply schema {} ({} characters)", source, schemaJson.length());
        return new ReplyValidator(source, schemaJson, schema);
    }

    /** The schema exactly as read, for llama.cpp's grammar conversion. */
    public String schemaText() {
        return schemaText;
    }

    /** Where the schema came from. */
    public String source() {
        return source;
    }

    /** Judges one reply; never throws for anything the model can produce. */
    public Validation validate(String reply, Mode mode) {
        Objects.requireNonNull(mode, "mode");
        if (reply == null || reply.isBlank()) {
            return Validation.empty();
        }
        String trimmed = reply.strip();
        JsonNode json;
        boolean salvaged = false;
        try {
            json = MAPPER.readTree(trimmed);
        } catch (JacksonException strictFailure) {
            if (mode == Mode.STRICT) {
                return Validation.invalidJson(describe(strictFailure));
            }
            Optional<JsonNode> extracted = salvage(trimmed);
            if (extracted.isEmpty()) {
                return Validation.invalidJson("no JSON object found in the reply; as a whole: " + describe(strictFailure));
            }
            json = extracted.get();
            salvaged = true;
        }

        List<Error> violations = schema.validate(json.toString(), InputFormat.JSON);
        if (violations.isEmpty()) {
            return Validation.pass(json, salvaged);
        }
        List<String> errors = new ArrayList<>(violations.size());
        for (Error violation : violations) {
            errors.add(format(violation));
        }
        return Validation.schemaViolation(errors, salvaged, json);
    }

    /** The first JSON object in a fenced block, else the first one in the text that parses. */
    private static Optional<JsonNode> salvage(String text) {
        for (String fenced : Fences.bodies(text)) {
            Optional<JsonNode> object = parseObject(fenced.strip());
            if (object.isPresent()) {
                return object;
            }
        }
        int attempts = 0;
        for (int start = text.indexOf('{'); start >= 0 && attempts < MAX_SALVAGE_ATTEMPTS;
                start = text.indexOf('{', start + 1), attempts++) {
            // A '{' in prose may never close, or enclose something that is not JSON; a later one may still be
            // the answer, so keep looking rather than give up at the first miss.
            int end = matchingBrace(text, start);
            Optional<JsonNode> object = end < 0 ? Optional.empty() : parseObject(text.substring(start, end + 1));
            if (object.isPresent()) {
                return object;
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> parseObject(String candidate) {
        try {
            JsonNode node = MAPPER.readTree(candidate);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** Index of the brace closing the one at {@code open}, skipping braces inside JSON strings; -1 if none. */
    static int matchingBrace(String text, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code "<json pointer>: <keyword>: <message>"}. For keywords about a named property (required,
     * additionalProperties, ...) networknt reports the enclosing object; the property is appended so that
     * reports can group failures by field, e.g. {@code /reply: required: ...} rather than {@code : required: ...}.
     */
    private static String format(Error error) {
        String pointer = error.getInstanceLocation().toString();
        if (error.getProperty() != null) {
            pointer = pointer + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
        }
        return pointer + ": " + error.getKeyword() + ": " + error.getMessage();
    }

    private static String describe(JacksonException e) {
        JsonLocation at = e.getLocation();
        String message = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ");
        String described = at == null ? message : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + message;
        return described.length() <= MAX_ERROR_CHARS ? described : described.substring(0, MAX_ERROR_CHARS) + "...";
    }

    private static boolean isDraft202012(JsonNode dialect) {
        // The id is often written with an empty fragment; both spellings name the same meta-schema.
        return dialect.isTextual()
                && dialect.asText().replaceFirst("#$", "").equals(DialectId.DRAFT_2020_12);
    }

    /** The 2020-12 meta-schema, compiled once per process from the copy bundled in the networknt jar. */
    private static final class MetaSchema {
        static final Schema INSTANCE = load();

        private static Schema load() {
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                    SpecificationVersion.DRAFT_2020_12, builder -> builder.schemaRegistryConfig(CONFIG));
            Schema meta = registry.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));
            meta.initializeValidators();
            return meta;
        }
    }

    /** Markdown code fences: models asked for JSON often wrap it in ```json ... ```. */
    private static final class Fences {
        private static final String FENCE = "```";

        /** Bodies of all fenced blocks, without the info string ("json"); an unclosed fence runs to the end. */
        static List<String> bodies(String text) {
            List<String> bodies = new ArrayList<>();
            int open = text.indexOf(FENCE);
            while (open >= 0) {
                int bodyStart = open + FENCE.length();
                int lineEnd = text.indexOf('\n', bodyStart);
                // An info string is only a word on the fence line; ```{"a":1}``` on one line has none.
                if (lineEnd >= 0 && text.substring(bodyStart, lineEnd).strip().matches("[A-Za-z0-9_+.-]*")) {
                    bodyStart = lineEnd + 1;
                }
                int close = text.indexOf(FENCE, bodyStart);
                bodies.add(close >= 0 ? text.substring(bodyStart, close) : text.substring(bodyStart));
                if (close < 0) {
                    break;
                }
                open = text.indexOf(FENCE, close + FENCE.length());
            }
            return bodies;
        }
    }
}
