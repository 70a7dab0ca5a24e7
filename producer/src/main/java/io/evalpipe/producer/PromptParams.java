package io.evalpipe.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.ParamChecks;
import java.nio.file.Path;
import java.util.Map;

/** A prompt's {@code params} object: each value of the type its parameter takes, then in range. */
final class PromptParams {

    private enum Kind {
        INTEGER("an integer"), NUMBER("a number"), STRING("a string"), STRINGS("an array of strings");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /**
     * Checked here rather than left to {@link Json#STRICT}, which refuses the same values: Jackson
     * still reads the strings "NaN" and "Infinity" into a Double, and its messages name Java types
     * where a person wants the parameter and what it takes.
     */
    private static final Map<String, Kind> KINDS = Map.of(
            "max_tokens", Kind.INTEGER, "temperature", Kind.NUMBER, "top_p", Kind.NUMBER, "top_k", Kind.INTEGER,
            "repeat_penalty", Kind.NUMBER, "seed", Kind.INTEGER, "stop", Kind.STRINGS, "timeout_ms", Kind.INTEGER,
            "output_mode", Kind.STRING);

    private PromptParams() {}

    static GenerationParams parse(Path file, int lineNo, JsonNode node) throws PromptFileException {
        if (node == null || node.isNull()) {
            return GenerationParams.NONE;
        }
        if (!node.isObject()) {
            throw new PromptFileException(file, lineNo, "'params' must be an object");
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String problem = typeProblem(field.getKey(), field.getValue());
            if (problem != null) {
                throw new PromptFileException(file, lineNo, problem);
            }
        }
        GenerationParams params;
        try {
            params = Json.STRICT.treeToValue(node, GenerationParams.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PromptFileException(file, lineNo, "unknown parameter '" + e.getPropertyName()
                    + "' (allowed: max_tokens, temperature, top_p, top_k, repeat_penalty, seed, stop, timeout_ms, output_mode)");
        } catch (JsonProcessingException e) {
            throw new PromptFileException(file, lineNo, "bad 'params': " + e.getOriginalMessage());
        }
        String problem = ParamChecks.problem(params);
        if (problem != null) {
            throw new PromptFileException(file, lineNo, "params." + problem);
        }
        return params;
    }

    /** Why {@code value} is not what parameter {@code name} takes, or null; null is "not set". */
    private static String typeProblem(String name, JsonNode value) {
        Kind kind = KINDS.get(name);
        if (kind == null || value.isNull()) {
            return null; // an unknown name is reported by Jackson, with the list of known ones
        }
        String where = "params." + name;
        return switch (kind) {
            case INTEGER -> value.isIntegralNumber() ? null : value.isNumber()
                    // 12.7 would have become 12; 1e2 and 128.0 are refused too, so that no rule on rounding is needed.
                    ? where + " must be an integer (no fraction or exponent), got " + value
                    : where + " must be " + kind.description + ", got " + describe(value);
            case NUMBER -> value.isNumber() ? null : where + " must be " + kind.description + ", got " + describe(value);
            case STRING -> value.isTextual() ? null : where + " must be " + kind.description + ", got " + describe(value);
            case STRINGS -> stringsProblem(where, value);
        };
    }

    private static String stringsProblem(String where, JsonNode value) {
        if (!value.isArray()) {
            return where + " must be " + Kind.STRINGS.description + ", got " + describe(value);
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                return where + "[" + i + "] must be a string, got " + describe(value.get(i));
            }
        }
        return null;
    }

    /** The value as the file wrote it, short enough for one line of an error. */
    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            String quoted = value.toString();
            return quoted.length() <= 40 ? "the string " + quoted : "a string";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.toString(); // a number, true, false or null
    }
}
