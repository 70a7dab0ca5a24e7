package io.evalpipe.aggregator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.MessageFormatException;
import java.io.IOException;

/**
 * A result as it arrived: its run and prompt ids, read from the JSON, and the JSON itself. The
 * aggregator stores the bytes it received and decodes a result once, when its run is reported
 * ({@link RunCollector}):
 * bookkeeping needs only the two ids, and decoding every result again for each store read, write
 * and delete was most of the aggregator's per-result cost.
 *
 * @param json the message as received; never modified (a record's array is not copied)
 */
record ReceivedResult(String runId, String promptId, byte[] json) {

    /**
     * Reads the two ids from the top level of a result, skipping every other field's value.
     *
     * @throws MessageFormatException when the bytes are not a JSON object naming both ids as strings
     */
    static ReceivedResult of(byte[] json) {
        if (json == null) {
            throw new MessageFormatException("empty EvalResult message");
        }
        String runId = null;
        String promptId = null;
        try (JsonParser p = Json.WIRE.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MessageFormatException("not a valid EvalResult: not a JSON object");
            }
            while ((runId == null || promptId == null) && p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("run_id".equals(field) && value == JsonToken.VALUE_STRING) {
                    runId = p.getText();
                } else if ("prompt_id".equals(field) && value == JsonToken.VALUE_STRING) {
                    promptId = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MessageFormatException("not a valid EvalResult: " + e.getMessage(), e);
        }
        if (runId == null || promptId == null) {
            throw new MessageFormatException("not a valid EvalResult: no " + (runId == null ? "run_id" : "prompt_id"));
        }
        return new ReceivedResult(runId, promptId, json);
    }
}
