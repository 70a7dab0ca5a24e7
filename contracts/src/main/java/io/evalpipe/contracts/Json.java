package io.evalpipe.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/** The one JSON mapping of the pipeline: snake_case fields, ISO-8601 instants. */
public final class Json {

    /** Messages on the wire: unknown fields are tolerated so that a newer producer can add some. */
    public static final ObjectMapper WIRE = common()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Input written by people (prompt files, a suite's params): whatever Jackson would quietly
     * repair is a mistake to report, because a repaired value is a different experiment than the
     * one the file describes.
     */
    public static final ObjectMapper STRICT = common()
            // An unknown field is a typo.
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // A key written twice would silently keep its last value (max_tokens 16, then 4096).
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Text after the value would be dropped, and with it a second prompt on the same line.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // "128" into an Integer, and "0.5" into a Double. An integer into a Double stays allowed:
            // 1 is how JSON writes 1.0. (Jackson still reads the strings "NaN" and "Infinity" into a
            // Double; ParamChecks' ranges refuse both.)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // 12.7 into an Integer would become 12 (and 1e2 would become 100).
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // 5 or true into a String: a stop string written without quotes is a mistake too.
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private static JsonMapper.Builder common() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private Json() {}

    public static byte[] encode(Object value) {
        try {
            return WIRE.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new MessageFormatException("empty " + type.getSimpleName() + " message");
        }
        try {
            return WIRE.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new MessageFormatException(
                    "not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MessageFormatException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
