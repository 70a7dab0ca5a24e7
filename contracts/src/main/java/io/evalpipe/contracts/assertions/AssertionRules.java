package io.evalpipe.contracts.assertions;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How an assertion is written and what makes one checkable, shared by the producer (which refuses a
 * bad one with {@code FILE:LINE}) and the worker (which refuses a job carrying one that came some
 * other way, rather than fail every reply for it). Like {@code ParamChecks}: rejected in one place,
 * rejected in all.
 *
 * <pre>{"pointer": "/score", "min": 1, "name": "scores the answer"}   {"text_not_contains": "As an AI"}</pre>
 */
public final class AssertionRules {
    /** Per prompt, and per assertion file: far more than a prompt needs, few enough to keep a job small. */
    public static final int MAX_PER_LIST = 100;
    static final int MAX_NAME_CHARS = 100;
    /** Compiled at produce time and bounded, so that a pattern is a mistake found there, not a slow worker. */
    static final int MAX_PATTERN_CHARS = 1_000;
    static final int MAX_IN_VALUES = 100;
    private static final Set<String> KEYS = Set.of("name", "pointer");
    /** RFC 6901: empty, or '/'-prefixed tokens in which '~' only starts "~0" or "~1" (Jackson would take a bare '~'). */
    private static final Pattern POINTER = Pattern.compile("(/([^~/]|~[01])*)*");
    static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "object", "array");

    private AssertionRules() {}

    /**
     * A list as a prompt's {@code expect} or an assertion file holds it.
     *
     * @param field what the list is called in messages, e.g. {@code expect}: an error names {@code expect[2]}
     */
    public static List<Assertion> parseList(JsonNode array, String field) throws InvalidAssertionException {
        if (!array.isArray()) {
            throw new InvalidAssertionException("'" + field + "' must be an array of assertions such as [{\"pointer\": \"/score\", \"min\": 1}]");
        }
        if (array.size() > MAX_PER_LIST) {
            throw new InvalidAssertionException("'" + field + "' has " + array.size() + " assertions, more than " + MAX_PER_LIST);
        }
        List<Assertion> assertions = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            try {
                assertions.add(parse(array.get(i)));
            } catch (InvalidAssertionException e) {
                throw new InvalidAssertionException(field + "[" + i + "]: " + e.getMessage());
            }
        }
        return assertions;
    }

    /** One assertion, the operator as its key: {@code {"pointer": "/end_interview", "equals": true}}. */
    public static Assertion parse(JsonNode spec) throws InvalidAssertionException {
        if (!spec.isObject()) {
            throw new InvalidAssertionException("an assertion must be an object such as {\"pointer\": \"/score\", \"min\": 1}, got "
                    + describe(spec));
        }
        String name = null;
        String pointer = null;
        AssertionOp op = null;
        JsonNode value = null;
        for (Map.Entry<String, JsonNode> field : spec.properties()) {
            String key = field.getKey();
            JsonNode v = field.getValue();
            if (KEYS.contains(key)) {
                if (!v.isTextual()) {
                    throw new InvalidAssertionException("'" + key + "' must be a string, got " + describe(v));
                }
                if (key.equals("name")) {
                    name = v.textValue();
                } else {
                    pointer = v.textValue();
                }
                continue;
            }
            AssertionOp found = AssertionOp.byWireName(key).orElseThrow(() -> new InvalidAssertionException(
                    "unknown operator '" + key + "' (operators: " + AssertionOp.wireNames() + "; other keys: name, pointer)"));
            if (op != null) {
                throw new InvalidAssertionException("two operators, '" + op.wireName() + "' and '" + key + "': write one assertion for each");
            }
            op = found;
            value = v;
        }
        if (op == null) {
            throw new InvalidAssertionException("no operator: an assertion needs one of " + AssertionOp.wireNames());
        }
        Assertion assertion = new Assertion(name, op, pointer, value);
        String problem = problem(assertion);
        if (problem != null) {
            throw new InvalidAssertionException(problem);
        }
        return assertion;
    }

    /** @return null when every assertion can be checked, else the first one's problem, prefixed by its index */
    public static String problem(List<Assertion> assertions) {
        for (int i = 0; i < assertions.size(); i++) {
            String problem = problem(assertions.get(i));
            if (problem != null) {
                return "assertions[" + i + "]: " + problem;
            }
        }
        return null;
    }

    /** @return null when the assertion can be checked, else what is wrong with it */
    public static String problem(Assertion a) {
        String op = "'" + a.op().wireName() + "'";
        if (a.name() != null && (a.name().isBlank() || a.name().length() > MAX_NAME_CHARS)) {
            return "'name' must be 1-" + MAX_NAME_CHARS + " characters, not blank";
        }
        if (a.op().onText() && a.pointer() != null) {
            return op + " checks the raw text and takes no 'pointer'";
        }
        if (!a.op().onText()) {
            if (a.pointer() == null) {
                return op + " needs a 'pointer' into the reply, such as \"/score\" (\"\" for the whole reply)";
            }
            String pointer = pointerProblem(a.pointer());
            if (pointer != null) {
                return pointer;
            }
        }
        JsonNode v = a.value();
        if (v == null) {
            return op + " has no value";
        }
        String takes = op + " takes " + a.op().value().description() + ", got " + describe(v);
        return switch (a.op().value()) {
            case ANY -> null;
            case LIST -> !v.isArray() || v.isEmpty() ? takes
                    : v.size() > MAX_IN_VALUES ? op + " takes at most " + MAX_IN_VALUES + " values, got " + v.size() : null;
            case REGEX -> v.isTextual() ? regexProblem(op, v.textValue()) : takes;
            case COUNT -> v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 ? null : takes;
            case NUMBER -> v.isNumber() ? null : takes;
            case TRUE -> v.isBoolean() && v.booleanValue() ? null : takes
                    + (a.op() == AssertionOp.EXISTS ? " (for the opposite, use absent)" : " (for the opposite, use exists)");
            case TYPE_NAME -> v.isTextual() && TYPES.contains(v.textValue()) ? null : takes;
            case TEXT -> v.isTextual() && !v.textValue().isEmpty() ? null : takes;
        };
    }

    private static String pointerProblem(String pointer) {
        if (!POINTER.matcher(pointer).matches()) {
            return "pointer '" + pointer + "' is not a JSON Pointer: empty, or starting with '/', '~' only as ~0 or ~1 (RFC 6901)";
        }
        try {
            JsonPointer.compile(pointer);
            return null;
        } catch (IllegalArgumentException e) {
            return "pointer '" + pointer + "' is not a JSON Pointer: " + e.getMessage();
        }
    }

    private static String regexProblem(String op, String regex) {
        if (regex.length() > MAX_PATTERN_CHARS) {
            return op + ": the regex has " + regex.length() + " characters, more than " + MAX_PATTERN_CHARS;
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            // Its getMessage() spans three lines (with a caret under the pattern); an input error is one.
            return op + ": bad regex " + quoted(regex) + ": " + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
        }
    }

    /** The value as the file wrote it, short enough for one line of an error. */
    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue().length() <= 40 ? "the string " + value : "a string";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.toString();
    }

    private static String quoted(String text) {
        return text.length() <= 60 ? "\"" + text + "\"" : "\"" + text.substring(0, 57) + "...\"";
    }
}
