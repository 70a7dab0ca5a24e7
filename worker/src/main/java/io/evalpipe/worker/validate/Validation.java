package io.evalpipe.worker.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.FailureReason;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one reply.
 *
 * @param valid    whether the reply is a JSON object that satisfies the schema
 * @param reason   null when valid; otherwise {@link FailureReason#EMPTY}, {@link FailureReason#INVALID_JSON}
 *                 or {@link FailureReason#SCHEMA_VIOLATION}
 * @param errors   for schema violations one {@code "<json pointer>: <keyword>: <message>"} per violation;
 *                 for invalid JSON the parser's complaint; empty otherwise
 * @param salvaged whether the JSON had to be cut out of fences or prose (only in {@link ReplyValidator.Mode#SALVAGE})
 * @param json     the parsed reply, or null when there was no JSON to parse
 */
public record Validation(boolean valid, FailureReason reason, List<String> errors, boolean salvaged, JsonNode json) {

    public Validation {
        // A verdict that is both valid and failed (or neither) would be counted twice, or never, by the reports.
        if (valid != (reason == null)) {
            throw new IllegalArgumentException("reason must be null exactly when valid, got valid=" + valid + " reason=" + reason);
        }
        errors = List.copyOf(Objects.requireNonNullElse(errors, List.of()));
    }

    static Validation pass(JsonNode json, boolean salvaged) {
        return new Validation(true, null, List.of(), salvaged, json);
    }

    static Validation empty() {
        return new Validation(false, FailureReason.EMPTY, List.of(), false, null);
    }

    static Validation invalidJson(String error) {
        return new Validation(false, FailureReason.INVALID_JSON, List.of(error), false, null);
    }

    static Validation schemaViolation(List<String> errors, boolean salvaged, JsonNode json) {
        return new Validation(false, FailureReason.SCHEMA_VIOLATION, errors, salvaged, json);
    }
}
