package io.evalpipe.contracts.assertions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AssertionCheckTest {
    private static final String REPLY = "{\"reply\": \"Tell me about a time you disagreed.\", \"question_type\": \"behavioral\","
            + " \"follow_up\": false, \"end_interview\": false, \"score\": 4, \"ratio\": 2.0, \"topics\": [\"conflict\", \"teamwork\"],"
            + " \"feedback\": null, \"a/b\": 1}";

    /** The message of the one assertion's failure, or null when it held. */
    private static String failure(String spec, String text) throws Exception {
        JsonNode json = text.startsWith("{") ? Json.STRICT.readTree(text) : null; // raw-text checks need no JSON
        AssertionCheck.Verdict v = AssertionCheck.check(List.of(AssertionRules.parse(Json.STRICT.readTree(spec))), text, json);
        assertThat(v.outcomes()).singleElement().extracting(AssertionOutcome::held).isEqualTo(v.allHeld());
        return v.allHeld() ? null : v.failures().get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"pointer": "/question_type", "equals": "behavioral"}
            {"pointer": "/score", "equals": 4.0}
            {"pointer": "/feedback", "equals": null}
            {"pointer": "/topics", "equals": ["conflict", "teamwork"]}
            {"pointer": "/question_type", "in": ["technical", "behavioral"]}
            {"pointer": "/score", "in": [4, 5]}
            {"pointer": "/reply", "matches": "disagree"}
            {"pointer": "/reply", "matches": "^Tell me.*\\\\.$"}
            {"pointer": "/reply", "contains": "a time"}
            {"pointer": "/topics", "contains": "teamwork"}
            {"pointer": "/reply", "min_length": 35}
            {"pointer": "/reply", "max_length": 35}
            {"pointer": "/topics", "max_length": 2}
            {"pointer": "/score", "min": 4}
            {"pointer": "/score", "max": 4.5}
            {"pointer": "/ratio", "min": 2}
            {"pointer": "/feedback", "exists": true}
            {"pointer": "/a~1b", "exists": true}
            {"pointer": "/salary", "absent": true}
            {"pointer": "/score", "type": "integer"}
            {"pointer": "/ratio", "type": "integer"}
            {"pointer": "/score", "type": "number"}
            {"pointer": "/topics", "type": "array"}
            {"pointer": "/feedback", "type": "null"}
            {"pointer": "", "type": "object"}
            {"text_contains": "\\"follow_up\\": false"}
            {"text_not_contains": "As an AI"}
            {"text_matches": "^\\\\{.*\\\\}$"}
            {"max_chars": 500}
            """)
    void shouldHoldWhenTheReplySatisfiesIt(String spec) throws Exception {
        assertThat(failure(spec, REPLY)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"pointer": "/question_type", "equals": "technical"}       | /question_type: equals: expected "technical", actual "behavioral"
            {"pointer": "/end_interview", "equals": true}              | /end_interview: equals: expected true, actual false
            {"pointer": "/score", "equals": "4"}                       | /score: equals: expected "4", actual 4
            {"pointer": "/question_type", "in": ["closing", "redirect"]} | /question_type: in: expected one of ["closing","redirect"], actual "behavioral"
            {"pointer": "/reply", "matches": "^disagree"}              | /reply: matches: expected a string matching "^disagree", actual "Tell me about a time you disagreed."
            {"pointer": "/score", "matches": "4"}                      | /score: matches: expected a string matching "4", actual 4 (an integer)
            {"pointer": "/reply", "contains": "salary"}                | /reply: contains: expected a string or array containing "salary", actual "Tell me about a time you disagreed."
            {"pointer": "/topics", "contains": "kafka"}                | /topics: contains: expected a string or array containing "kafka", actual ["conflict","teamwork"]
            {"pointer": "/score", "contains": "4"}                     | /score: contains: expected a string or array containing "4", actual 4 (an integer)
            {"pointer": "/reply", "contains": 4}                       | /reply: contains: expected a string or array containing 4, actual "Tell me about a time you disagreed." (a string)
            {"pointer": "/reply", "min_length": 36}                    | /reply: min_length: expected a length of at least 36, actual length 35: "Tell me about a time you disagreed."
            {"pointer": "/topics", "max_length": 1}                    | /topics: max_length: expected a length of at most 1, actual length 2: ["conflict","teamwork"]
            {"pointer": "/score", "min_length": 1}                     | /score: min_length: expected a length of at least 1, actual 4 (an integer)
            {"pointer": "/score", "min": 5}                            | /score: min: expected a number of at least 5, actual 4
            {"pointer": "/score", "max": 3.5}                          | /score: max: expected a number of at most 3.5, actual 4
            {"pointer": "/question_type", "min": 1}                    | /question_type: min: expected a number of at least 1, actual "behavioral" (a string)
            {"pointer": "/feedback", "max": 5}                         | /feedback: max: expected a number of at most 5, actual null
            {"pointer": "/follow_up", "min": 0}                        | /follow_up: min: expected a number of at least 0, actual false (a boolean)
            {"pointer": "/salary", "min": 1}                           | /salary: min: expected a number of at least 1, actual absent
            {"pointer": "/salary", "exists": true}                     | /salary: exists: expected present, actual absent
            {"pointer": "/topics/5", "exists": true}                   | /topics/5: exists: expected present, actual absent
            {"pointer": "/score", "absent": true}                      | /score: absent: expected absent, actual 4
            {"pointer": "/ratio", "type": "string"}                    | /ratio: type: expected a value of type string, actual 2.0 (an integer)
            {"pointer": "/topics", "type": "object"}                   | /topics: type: expected a value of type object, actual ["conflict","teamwork"] (an array)
            {"pointer": "/score", "type": "boolean"}                   | /score: type: expected a value of type boolean, actual 4 (an integer)
            {"pointer": "/follow_up", "equals": true, "name": "follows up"} | /follow_up: equals (follows up): expected true, actual false
            {"pointer": "", "type": "array"}                           | "": type: expected a value of type array, actual {"reply":"Tell me about a time you disagreed.","question_type":"behavioral","follow_up":false,"end_interview":false,"score":4,"ratio":2.0,"topics":["conflict","teamwork"],"feedback":null,"a/b":1} (an object)
            """)
    void shouldFailSayingWhatWasExpectedAndWhatWasThere(String spec, String message) throws Exception {
        assertThat(failure(spec, REPLY)).isEqualTo(message);
    }

    @Test
    void shouldCheckTheRawTextForTheTextOperators() throws Exception {
        String text = "Sure! {\"reply\": \"As an AI, I cannot.\"}";

        assertThat(failure("{\"text_contains\": \"question_type\"}", text))
                .isEqualTo("text: text_contains: expected text containing \"question_type\", actual \"Sure! {\\\"reply\\\": \\\"As an AI, I cannot.\\\"}\"");
        assertThat(failure("{\"text_not_contains\": \"As an AI\"}", text))
                .isEqualTo("text: text_not_contains: expected text without \"As an AI\", actual found at character 17: \"As an AI, I cannot.\\\"}\"");
        assertThat(failure("{\"text_matches\": \"^\\\\{\"}", text))
                .isEqualTo("text: text_matches: expected text matching \"^\\\\{\", actual \"Sure! {\\\"reply\\\": \\\"As an AI, I cannot.\\\"}\"");
        assertThat(failure("{\"max_chars\": 10}", text)).isEqualTo("text: max_chars: expected at most 10 characters, actual 38 characters");
    }

    @Test
    void shouldCountCharactersAsCodePoints() throws Exception {
        String text = "{\"reply\": \"😀😀\"}";

        assertThat(failure("{\"pointer\": \"/reply\", \"max_length\": 2}", text)).isNull();
        assertThat(failure("{\"max_chars\": 15}", text)).isNull();
        assertThat(failure("{\"max_chars\": 14}", text)).endsWith("actual 15 characters");
    }

    @Test
    void shouldCutExpectedAndActualValuesToTwoHundredCharacters() throws Exception {
        String text = "{\"reply\": \"" + "word ".repeat(100) + "\"}";

        String message = failure("{\"pointer\": \"/reply\", \"equals\": \"" + "x".repeat(300) + "\"}", text);

        String expected = message.substring(message.indexOf("expected ") + 9, message.indexOf(", actual "));
        String actual = message.substring(message.indexOf(", actual ") + 9);
        assertThat(expected).hasSize(AssertionCheck.MAX_VALUE_CHARS).startsWith("\"xxx").endsWith("…");
        assertThat(actual).hasSize(AssertionCheck.MAX_VALUE_CHARS).startsWith("\"word word").endsWith("…");
    }

    @Test
    void shouldGiveUpOnACatastrophicRegexInsteadOfHangingTheWorker() throws Exception {
        // Java's regex memoizes simple nested loops such as (a+)+, but not a bounded repeat of a greedy .*
        String text = "{\"reply\": \"" + "a".repeat(19) + "b".repeat(30) + "\"}";
        long start = System.nanoTime();

        String message = failure("{\"pointer\": \"/reply\", \"matches\": \"(.*a){20}\"}", text);

        assertThat(message).isEqualTo("/reply: matches: expected a string matching \"(.*a){20}\", actual not decided:"
                + " the regex read more than 10000000 characters of a 49-character value (a pattern that backtracks)");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(5);
    }

    @Test
    void shouldGiveUpOnARegexThatRecursesPastTheStack() throws Exception {
        String text = "{\"reply\": \"" + "ab".repeat(20_000) + "\"}";

        String message = failure("{\"pointer\": \"/reply\", \"matches\": \"^(a|b)+$\"}", text);

        assertThat(message).isEqualTo("/reply: matches: expected a string matching \"^(a|b)+$\", actual not decided:"
                + " the regex recursed too deep on a 40000-character value");
    }

    @Test
    void shouldRecordAnOutcomePerAssertionInOrderWithItsLabel() throws Exception {
        List<Assertion> assertions = new ArrayList<>();
        for (String spec : List.of("{\"pointer\": \"/reply\", \"exists\": true}",
                "{\"pointer\": \"/reply\", \"equals\": \"never\", \"name\": \"says never\"}",
                "{\"max_chars\": 10000}")) {
            assertions.add(AssertionRules.parse(Json.STRICT.readTree(spec)));
        }

        AssertionCheck.Verdict v = AssertionCheck.check(assertions, REPLY, Json.STRICT.readTree(REPLY));

        assertThat(v.outcomes()).containsExactly(new AssertionOutcome("/reply exists", true),
                new AssertionOutcome("says never", false), new AssertionOutcome("max_chars 10000", true));
        assertThat(v.failures()).containsExactly("/reply: equals (says never): expected \"never\", actual \"Tell me about a time you disagreed.\"");
        assertThat(v.allHeld()).isFalse();
        assertThat(AssertionCheck.check(List.of(), REPLY, null).allHeld()).isTrue();
    }
}
