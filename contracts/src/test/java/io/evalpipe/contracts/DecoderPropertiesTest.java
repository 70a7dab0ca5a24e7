package io.evalpipe.contracts;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever arrives on a topic, decoding it either succeeds or raises the project's own
 * {@link MessageFormatException}: never a NullPointerException or a Jackson exception that would
 * escape the worker's dead-letter handling.
 */
class DecoderPropertiesTest {
    private static final Class<?>[] TYPES = {Job.class, EvalResult.class, RunManifest.class, RunSummary.class};

    @Property(tries = 300)
    void shouldRaiseOnlyMessageFormatExceptionForRandomBytes(@ForAll byte[] bytes) {
        for (Class<?> type : TYPES) {
            assertOnlyOwnException(bytes, type);
        }
    }

    @Property(tries = 500)
    void shouldRaiseOnlyMessageFormatExceptionForRandomJson(@ForAll("jsonish") String json) {
        for (Class<?> type : TYPES) {
            assertOnlyOwnException(json.getBytes(StandardCharsets.UTF_8), type);
        }
    }

    private static void assertOnlyOwnException(byte[] bytes, Class<?> type) {
        try {
            Json.decode(bytes, type);
        } catch (MessageFormatException expected) {
            // the one allowed failure
        } catch (RuntimeException e) {
            assertThatCode(() -> {
                throw e;
            }).as("decoding %s as %s", new String(bytes, StandardCharsets.UTF_8), type.getSimpleName()).doesNotThrowAnyException();
        }
    }

    /** JSON-shaped text built from the messages' own field names, so the decoder gets past the first brace. */
    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> key = Arbitraries.of("schema_version", "run_id", "prompt_id", "messages", "params", "status",
                "prompt_ids", "prompt_count", "created_at", "enqueued_at", "max_tokens", "stop", "role", "content", "x");
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "1", "-1", "1e999", "\"\"", "\"pass\"", "\"2026-01-01T00:00:00Z\"", "[]", "{}"),
                Arbitraries.strings().ofMaxLength(8).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""),
                Arbitraries.integers().map(String::valueOf));
        Arbitrary<String> field = net.jqwik.api.Combinators.combine(key, scalar).as((k, v) -> "\"" + k + "\": " + v);
        Arbitrary<String> inner = field.list().ofMaxSize(6).map(fields -> "{" + String.join(", ", fields) + "}");
        Arbitrary<String> nested = net.jqwik.api.Combinators.combine(key, inner).as((k, v) -> "\"" + k + "\": [" + v + "]");
        return Arbitraries.oneOf(field, nested).list().ofMaxSize(8).map(fields -> "{" + String.join(", ", fields) + "}");
    }
}
