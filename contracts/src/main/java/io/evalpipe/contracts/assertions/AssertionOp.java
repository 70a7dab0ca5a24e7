package io.evalpipe.contracts.assertions;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an assertion checks. The first eleven look at the parsed reply, at the value a JSON Pointer
 * names; the four {@code text_*} and {@code max_chars} look at the raw text the model wrote.
 */
public enum AssertionOp {
    EQUALS(Value.ANY),
    IN(Value.LIST),
    MATCHES(Value.REGEX),
    CONTAINS(Value.ANY),
    MIN_LENGTH(Value.COUNT),
    MAX_LENGTH(Value.COUNT),
    MIN(Value.NUMBER),
    MAX(Value.NUMBER),
    EXISTS(Value.TRUE),
    ABSENT(Value.TRUE),
    TYPE(Value.TYPE_NAME),
    TEXT_CONTAINS(Value.TEXT),
    TEXT_NOT_CONTAINS(Value.TEXT),
    TEXT_MATCHES(Value.REGEX),
    MAX_CHARS(Value.COUNT);

    /** The kind of value an operator takes: what a prompt file must give it. */
    public enum Value {
        ANY("any JSON value"),
        LIST("a non-empty array of values"),
        REGEX("a regular expression, as a string"),
        COUNT("a non-negative integer"),
        NUMBER("a number"),
        TRUE("true"),
        TYPE_NAME("one of string, number, integer, boolean, null, object, array"),
        TEXT("a non-empty string");

        final String description;

        Value(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Value value;

    AssertionOp(Value value) {
        this.value = value;
    }

    public Value value() {
        return value;
    }

    /** Whether it checks the raw text rather than a value in the parsed reply (and so takes no pointer). */
    public boolean onText() {
        return this == TEXT_CONTAINS || this == TEXT_NOT_CONTAINS || this == TEXT_MATCHES || this == MAX_CHARS;
    }

    /** The name a prompt file and the wire use: {@code min_length}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AssertionOp> byWireName(String name) {
        return Arrays.stream(values()).filter(op -> op.wireName().equals(name)).findFirst();
    }

    /** Every wire name, comma-separated, for messages that list what is allowed. */
    public static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(AssertionOp::wireName).toList());
    }
}
