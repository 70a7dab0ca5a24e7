package io.evalpipe.contracts.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a reply against its job's assertions. Never throws for anything a model can write: a value
 * of the wrong type ({@code min} on a string) is a failed assertion whose message says what was there.
 *
 * <p>{@code matches} and {@code text_matches} use find semantics, as JSON Schema's {@code pattern}
 * does: the regex may match anywhere; {@code ^...$} anchors it. A regex gets a budget of {@link
 * #REGEX_STEPS} character reads, so a pattern that backtracks catastrophically on some reply fails
 * that assertion instead of holding a worker's slot.
 */
public final class AssertionCheck {
    /** Expected and actual values in a failure message are cut to this many characters. */
    public static final int MAX_VALUE_CHARS = 200;
    /** Character reads a regex may make on one value: a linear scan of a long reply needs far fewer. */
    static final long REGEX_STEPS = 10_000_000L;

    /** Numbers compare by value, so that {@code 1} equals {@code 1.0}; everything else as Jackson compares it. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    /**
     * What the assertions of one reply came to.
     *
     * @param outcomes one per assertion, in the job's order
     * @param failures one message per assertion that failed: {@code "<pointer>: <op>[ (<name>)]: expected X, actual Y"}
     */
    public record Verdict(List<AssertionOutcome> outcomes, List<String> failures) {
        public boolean allHeld() {
            return failures.isEmpty();
        }
    }

    private AssertionCheck() {}

    /**
     * @param text the reply as the model wrote it, for the raw-text operators
     * @param json the parsed (possibly salvaged) reply, for the pointer operators
     */
    public static Verdict check(List<Assertion> assertions, String text, JsonNode json) {
        List<AssertionOutcome> outcomes = new ArrayList<>(assertions.size());
        List<String> failures = new ArrayList<>();
        for (Assertion a : assertions) {
            String actual = a.op().onText() ? onText(a, text == null ? "" : text)
                    : onValue(a, json == null ? MissingNode.getInstance() : json.at(a.pointer()));
            outcomes.add(new AssertionOutcome(a.label(), actual == null));
            if (actual != null) {
                failures.add(a.where() + ": " + a.op().wireName() + (a.name() == null ? "" : " (" + a.name() + ")")
                        + ": expected " + cut(expected(a), MAX_VALUE_CHARS) + ", actual " + actual);
            }
        }
        return new Verdict(List.copyOf(outcomes), List.copyOf(failures));
    }

    /** @return null when it holds, else what the value is (cut), to put beside what was expected */
    private static String onValue(Assertion a, JsonNode node) {
        JsonNode v = a.value();
        if (a.op() == AssertionOp.ABSENT) {
            return node.isMissingNode() ? null : shown(node);
        }
        if (node.isMissingNode()) {
            return "absent";
        }
        return switch (a.op()) {
            case EXISTS -> null;
            case EQUALS -> node.equals(BY_VALUE, v) ? null : shown(node);
            case IN -> contains(v, node) ? null : shown(node);
            case MATCHES -> !node.isTextual() ? typed(node) : find(v.textValue(), node.textValue());
            case CONTAINS -> node.isArray() ? (contains(node, v) ? null : shown(node))
                    : node.isTextual() && v.isTextual() ? (node.textValue().contains(v.textValue()) ? null : shown(node))
                    : typed(node);
            case MIN_LENGTH -> length(node) < 0 ? typed(node) : length(node) >= v.intValue() ? null : lengthOf(node);
            case MAX_LENGTH -> length(node) < 0 ? typed(node) : length(node) <= v.intValue() ? null : lengthOf(node);
            case MIN -> !node.isNumber() ? typed(node) : compare(node, v) >= 0 ? null : shown(node);
            case MAX -> !node.isNumber() ? typed(node) : compare(node, v) <= 0 ? null : shown(node);
            case TYPE -> typeName(node, v.textValue()).equals(v.textValue()) ? null : typed(node);
            default -> throw new IllegalStateException(a.op() + " checks the raw text");
        };
    }

    private static String onText(Assertion a, String text) {
        String v = a.value().isTextual() ? a.value().textValue() : null;
        return switch (a.op()) {
            case TEXT_CONTAINS -> text.contains(v) ? null : quote(text);
            case TEXT_NOT_CONTAINS -> {
                int at = text.indexOf(v);
                yield at < 0 ? null : "found at character " + text.codePointCount(0, at) + ": " + quote(text.substring(at));
            }
            case TEXT_MATCHES -> find(v, text);
            case MAX_CHARS -> {
                int chars = text.codePointCount(0, text.length());
                yield chars <= a.value().intValue() ? null : chars + " characters";
            }
            default -> throw new IllegalStateException(a.op() + " checks a value of the parsed reply");
        };
    }

    private static String expected(Assertion a) {
        JsonNode v = a.value();
        return switch (a.op()) {
            case EQUALS -> v.toString();
            case IN -> "one of " + v;
            case MATCHES -> "a string matching " + v;
            case CONTAINS -> "a string or array containing " + v;
            case MIN_LENGTH -> "a length of at least " + v;
            case MAX_LENGTH -> "a length of at most " + v;
            case MIN -> "a number of at least " + v;
            case MAX -> "a number of at most " + v;
            case EXISTS -> "present";
            case ABSENT -> "absent";
            case TYPE -> "a value of type " + v.textValue();
            case TEXT_CONTAINS -> "text containing " + v;
            case TEXT_NOT_CONTAINS -> "text without " + v;
            case TEXT_MATCHES -> "text matching " + v;
            case MAX_CHARS -> "at most " + v + " characters";
        };
    }

    private static boolean contains(JsonNode array, JsonNode element) {
        for (JsonNode item : array) {
            if (item.equals(BY_VALUE, element)) {
                return true;
            }
        }
        return false;
    }

    /** By exact decimal value: a double such as 4.999999 is not rounded to the bound it is compared with. */
    private static int compare(JsonNode number, JsonNode bound) {
        return number.decimalValue().compareTo(bound.decimalValue());
    }

    /** Code points of a string (as JSON Schema's maxLength counts), items of an array; -1 for anything else. */
    private static int length(JsonNode node) {
        return node.isTextual() ? node.textValue().codePointCount(0, node.textValue().length()) : node.isArray() ? node.size() : -1;
    }

    private static String lengthOf(JsonNode node) {
        return "length " + length(node) + ": " + shown(node);
    }

    /** @return null when the regex is found in {@code text}, else the text (or why the search gave up) */
    private static String find(String regex, String text) {
        try {
            return Pattern.compile(regex).matcher(new BoundedText(text, REGEX_STEPS)).find() ? null : quote(text);
        } catch (BoundedText.Exhausted e) {
            return "not decided: the regex read more than " + REGEX_STEPS + " characters of a " + text.length()
                    + "-character value (a pattern that backtracks)";
        } catch (StackOverflowError e) {
            // java.util.regex recurses once per repetition of a group such as (a|b)+: a long enough reply
            // overflows the stack. The error unwinds the matcher only, which holds no lock or resource.
            return "not decided: the regex recursed too deep on a " + text.length() + "-character value";
        }
    }

    /**
     * The JSON Schema type of a value, "integer" for a number without a fraction when that is what
     * is asked (JSON Schema counts 1.0 as an integer, and every integer as a number).
     */
    private static String typeName(JsonNode node, String asked) {
        if (node.isNumber()) {
            boolean integral = node.isIntegralNumber() || node.decimalValue().stripTrailingZeros().scale() <= 0;
            return asked.equals("number") || !integral ? "number" : "integer";
        }
        return switch (node.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case ARRAY -> "array";
            default -> "object";
        };
    }

    /** A value with its type, for a check that needs one type and got another: {@code "5" (a string)}. */
    private static String typed(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        String type = typeName(node, "integer");
        return shown(node) + " (" + (type.equals("integer") || type.equals("array") || type.equals("object") ? "an " : "a ") + type + ")";
    }

    /** A value as JSON, cut to {@link #MAX_VALUE_CHARS}. */
    private static String shown(JsonNode node) {
        return cut(node.toString(), MAX_VALUE_CHARS);
    }

    /** Raw text as a JSON string would write it (so a line break stays on one line), cut to {@link #MAX_VALUE_CHARS}. */
    private static String quote(String text) {
        return cut("\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"",
                MAX_VALUE_CHARS);
    }

    /** Cut by code points, so that no surrogate pair is split. */
    static String cut(String text, int maxChars) {
        if (text.codePointCount(0, text.length()) <= maxChars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxChars - 1)) + "…";
    }

    /** A string that stops a regex after a number of character reads: java.util.regex has no timeout of its own. */
    private static final class BoundedText implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final long[] left;

        BoundedText(String text, long steps) {
            this(text, new long[] {steps});
        }

        private BoundedText(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
