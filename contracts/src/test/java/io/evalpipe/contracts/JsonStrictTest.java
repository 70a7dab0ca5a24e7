package io.evalpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link Json#STRICT} refuses that a lenient mapper would quietly repair. */
class JsonStrictTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"max_tokens": "128"}                  | Cannot coerce String value ("128") to `java.lang.Integer` value
            {"max_tokens": 12.7}                   | Cannot coerce Floating-point value (12.7) to `java.lang.Integer` value
            {"max_tokens": 1e2}                    | Cannot coerce Floating-point value (1e2) to `java.lang.Integer` value
            {"max_tokens": true}                   | Cannot deserialize value of type `java.lang.Integer` from Boolean value
            {"seed": "42"}                         | Cannot coerce String value ("42") to `java.lang.Long` value
            {"temperature": "0.5"}                 | Cannot coerce String value ("0.5") to `java.lang.Double` value
            {"stop": [5]}                          | Cannot coerce Integer value (5) to `java.lang.String` value
            {"output_mode": true}                  | Cannot coerce Boolean value (true) to `java.lang.String` value
            {"max_tokens": 16, "max_tokens": 4096} | Duplicate field 'max_tokens'
            {"max_tokens": 16} {"max_tokens": 32}  | Trailing token (of type START_OBJECT) found after value
            {"max_tokens": 16} x                   | Unrecognized token 'x'
            """)
    void shouldRefuseWhatALenientMapperWouldRepair(String json, String reason) {
        assertThatThrownBy(() -> Json.STRICT.readValue(json, GenerationParams.class))
                .isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage()).startsWith(reason));
    }

    @Test
    void shouldLeaveTheWireMappingAsItWas() throws Exception {
        // The wire reads what our own producers wrote; only people's input is held to the strict rules.
        assertThat(Json.WIRE.readValue("{\"max_tokens\": \"128\", \"seed\": 1, \"seed\": 2}", GenerationParams.class))
                .extracting(GenerationParams::maxTokens, GenerationParams::seed).containsExactly(128, 2L);
        assertThat(Json.WIRE.readTree("{\"a\": 1} {\"b\": 2}").has("a")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"temperature\": 1}", "{\"temperature\": 0}"})
    void shouldStillReadAnIntegerIntoADouble(String json) throws Exception {
        assertThat(Json.STRICT.readValue(json, GenerationParams.class).temperature()).isIn(0.0, 1.0);
    }
}
