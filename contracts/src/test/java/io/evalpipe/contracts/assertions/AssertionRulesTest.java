package io.evalpipe.contracts.assertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.evalpipe.contracts.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AssertionRulesTest {

    static JsonNode json(String text) throws Exception {
        return Json.STRICT.readTree(text);
    }

    static Assertion parse(String text) throws Exception {
        return AssertionRules.parse(json(text));
    }

    @Test
    void shouldReadTheOperatorAsTheKeyAndKeepNameAndPointer() throws Exception {
        Assertion a = parse("{\"pointer\": \"/score\", \"min\": 1, \"name\": \"scores the answer\"}");

        assertThat(a).isEqualTo(new Assertion("scores the answer", AssertionOp.MIN, "/score", IntNode.valueOf(1)));
        assertThat(a.label()).isEqualTo("scores the answer");
    }

    @Test
    void shouldLabelAnUnnamedAssertionByPointerOperatorAndValue() throws Exception {
        assertThat(parse("{\"pointer\": \"/score\", \"min\": 1}").label()).isEqualTo("/score min 1");
        assertThat(parse("{\"pointer\": \"/reply\", \"equals\": \"hi\"}").label()).isEqualTo("/reply equals \"hi\"");
        assertThat(parse("{\"pointer\": \"/reply\", \"exists\": true}").label()).isEqualTo("/reply exists");
        assertThat(parse("{\"text_not_contains\": \"As an AI\"}").label()).isEqualTo("text_not_contains \"As an AI\"");
        assertThat(parse("{\"pointer\": \"\", \"type\": \"object\"}").label()).isEqualTo("\"\" type \"object\"");
    }

    @Test
    void shouldCutALongUnnamedLabel() throws Exception {
        String label = parse("{\"pointer\": \"/reply\", \"equals\": \"" + "x".repeat(300) + "\"}").label();

        assertThat(label).hasSize(Assertion.MAX_LABEL_CHARS).endsWith("…");
    }

    @Test
    void shouldReadEveryOperatorWithAValueOfItsKind() throws Exception {
        assertThat(parse("{\"pointer\": \"/a\", \"equals\": null}").value().isNull()).isTrue();
        assertThat(parse("{\"pointer\": \"/a\", \"in\": [1, \"x\"]}").op()).isEqualTo(AssertionOp.IN);
        assertThat(parse("{\"pointer\": \"/a\", \"matches\": \"^a+$\"}").op()).isEqualTo(AssertionOp.MATCHES);
        assertThat(parse("{\"pointer\": \"/a\", \"contains\": {\"k\": 1}}").op()).isEqualTo(AssertionOp.CONTAINS);
        assertThat(parse("{\"pointer\": \"/a\", \"min_length\": 0}").op()).isEqualTo(AssertionOp.MIN_LENGTH);
        assertThat(parse("{\"pointer\": \"/a\", \"max_length\": 3}").op()).isEqualTo(AssertionOp.MAX_LENGTH);
        assertThat(parse("{\"pointer\": \"/a\", \"min\": -1.5}").op()).isEqualTo(AssertionOp.MIN);
        assertThat(parse("{\"pointer\": \"/a\", \"max\": 5}").op()).isEqualTo(AssertionOp.MAX);
        assertThat(parse("{\"pointer\": \"/a\", \"absent\": true}").value()).isEqualTo(BooleanNode.TRUE);
        assertThat(parse("{\"pointer\": \"/a~1b~0c\", \"type\": \"integer\"}").pointer()).isEqualTo("/a~1b~0c");
        assertThat(parse("{\"text_contains\": \"x\"}").pointer()).isNull();
        assertThat(parse("{\"text_matches\": \"(?i)thanks\"}").op()).isEqualTo(AssertionOp.TEXT_MATCHES);
        assertThat(parse("{\"max_chars\": 2000}").op()).isEqualTo(AssertionOp.MAX_CHARS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"pointer": "/a", "greater": 1}                | unknown operator 'greater' (operators: equals, in, matches, contains, min_length, max_length, min, max, exists, absent, type, text_contains, text_not_contains, text_matches, max_chars; other keys: name, pointer)
            {"pointer": "/a"}                              | no operator: an assertion needs one of equals, in, matches, contains, min_length, max_length, min, max, exists, absent, type, text_contains, text_not_contains, text_matches, max_chars
            {"pointer": "/score", "min": 1, "max": 5}      | two operators, 'min' and 'max': write one assertion for each
            {"min": 1}                                     | 'min' needs a 'pointer' into the reply, such as "/score" ("" for the whole reply)
            {"pointer": "score", "min": 1}                 | pointer 'score' is not a JSON Pointer: empty, or starting with '/', '~' only as ~0 or ~1 (RFC 6901)
            {"pointer": "/a~2", "exists": true}            | pointer '/a~2' is not a JSON Pointer: empty, or starting with '/', '~' only as ~0 or ~1 (RFC 6901)
            {"pointer": 5, "exists": true}                 | 'pointer' must be a string, got 5
            {"pointer": "/a", "text_contains": "x"}        | 'text_contains' checks the raw text and takes no 'pointer'
            {"pointer": "/a", "matches": "(unclosed"}      | 'matches': bad regex "(unclosed": Unclosed group at index 9
            {"text_matches": "a{2,1}"}                     | 'text_matches': bad regex "a{2,1}": Illegal repetition range at index 5
            {"pointer": "/a", "matches": 5}                | 'matches' takes a regular expression, as a string, got 5
            {"pointer": "/score", "min": "1"}              | 'min' takes a number, got the string "1"
            {"pointer": "/score", "max": true}             | 'max' takes a number, got true
            {"pointer": "/a", "min_length": -1}            | 'min_length' takes a non-negative integer, got -1
            {"pointer": "/a", "max_length": 2.5}           | 'max_length' takes a non-negative integer, got 2.5
            {"max_chars": "10"}                            | 'max_chars' takes a non-negative integer, got the string "10"
            {"pointer": "/a", "in": []}                    | 'in' takes a non-empty array of values, got an array
            {"pointer": "/a", "in": "x"}                   | 'in' takes a non-empty array of values, got the string "x"
            {"pointer": "/a", "exists": false}             | 'exists' takes true, got false (for the opposite, use absent)
            {"pointer": "/a", "absent": 1}                 | 'absent' takes true, got 1 (for the opposite, use exists)
            {"pointer": "/a", "type": "float"}             | 'type' takes one of string, number, integer, boolean, null, object, array, got the string "float"
            {"text_contains": ""}                          | 'text_contains' takes a non-empty string, got the string ""
            {"text_not_contains": ["x"]}                   | 'text_not_contains' takes a non-empty string, got an array
            {"pointer": "/a", "exists": true, "name": " "} | 'name' must be 1-100 characters, not blank
            {"pointer": "/a", "exists": true, "name": 7}   | 'name' must be a string, got 7
            """)
    void shouldRefuseABadAssertionSayingWhy(String spec, String reason) {
        assertThatThrownBy(() -> parse(spec)).isInstanceOf(InvalidAssertionException.class).hasMessage(reason);
    }

    @Test
    void shouldRefuseARegexLongerThanTheLimit() {
        String spec = "{\"text_matches\": \"" + "a".repeat(AssertionRules.MAX_PATTERN_CHARS + 1) + "\"}";

        assertThatThrownBy(() -> parse(spec)).hasMessage("'text_matches': the regex has 1001 characters, more than 1000");
    }

    @Test
    void shouldNameTheIndexOfABadAssertionInAList() throws Exception {
        JsonNode list = json("[{\"pointer\": \"/a\", \"exists\": true}, {\"pointer\": \"/a\", \"min\": \"x\"}]");

        assertThatThrownBy(() -> AssertionRules.parseList(list, "expect"))
                .hasMessage("expect[1]: 'min' takes a number, got the string \"x\"");
        assertThatThrownBy(() -> AssertionRules.parseList(json("{\"pointer\": \"/a\"}"), "expect"))
                .hasMessageStartingWith("'expect' must be an array of assertions");
        assertThat(AssertionRules.parseList(json("[]"), "expect")).isEmpty();
    }

    @Test
    void shouldRefuseMoreAssertionsThanTheLimit() throws Exception {
        JsonNode list = json("[" + String.join(",", java.util.Collections.nCopies(101, "{\"max_chars\": 1}")) + "]");

        assertThatThrownBy(() -> AssertionRules.parseList(list, "expect")).hasMessage("'expect' has 101 assertions, more than 100");
    }

    @Test
    void shouldCheckAnAssertionThatCameOverTheWireByTheSameRules() {
        // A job record anyone can write: the worker refuses it rather than fail every reply for it.
        Assertion handMade = new Assertion(null, AssertionOp.MATCHES, "/a", Json.WIRE.getNodeFactory().textNode("(("));

        assertThat(AssertionRules.problem(java.util.List.of(handMade))).startsWith("assertions[0]: 'matches': bad regex");
        assertThat(AssertionRules.problem(new Assertion(null, AssertionOp.EQUALS, "/a", null))).isEqualTo("'equals' has no value");
    }
}
