package io.evalpipe.contracts.assertions;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One check on a reply beyond its schema, as a job carries it. A prompt file writes it with the
 * operator as the key ({@code {"pointer": "/score", "min": 1}}); {@link AssertionRules#parse} reads
 * that form, and the wire has the operator and its value apart, so that a reader needs no list of
 * operator keys.
 *
 * @param name    what the report calls it; null for none (then {@link #label()} says what it checks)
 * @param op      what is checked
 * @param pointer a JSON Pointer (RFC 6901) into the parsed reply; null for the raw-text operators
 * @param value   what the operator compares with ({@code true} for {@code exists} and {@code absent})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assertion(String name, AssertionOp op, String pointer, JsonNode value) {

    /** An unnamed label is cut here: it is a table's first column. */
    static final int MAX_LABEL_CHARS = 120;

    public Assertion {
        Objects.requireNonNull(op, "op");
    }

    /**
     * What the report groups outcomes by: the name, else pointer, operator and value ({@code /score
     * min 1}). The value is part of it so that two unnamed checks of one pointer with one operator
     * ({@code min 1} on one prompt, {@code min 4} on another) are not pooled into one pass rate.
     */
    @JsonIgnore
    public String label() {
        if (name != null) {
            return name;
        }
        String what = op == AssertionOp.EXISTS || op == AssertionOp.ABSENT ? op.wireName() : op.wireName() + " " + value;
        return AssertionCheck.cut(op.onText() ? what : where() + " " + what, MAX_LABEL_CHARS);
    }

    /**
     * Where it looks, as the start of a failure message: the pointer ({@code ""} written out, for
     * the whole reply), or {@code text}.
     */
    @JsonIgnore
    String where() {
        return op.onText() ? "text" : pointer.isEmpty() ? "\"\"" : pointer;
    }
}
