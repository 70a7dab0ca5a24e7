package io.evalpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalResultMessagesTest {

    private static final Instant T = Instant.parse("2026-11-23T10:15:30Z");

    @Test
    void shouldCarryTheJobsMessagesOnTheWire() {
        List<ChatMessage> asked = List.of(new ChatMessage("system", "Reply in JSON."), new ChatMessage("user", "</script>"));
        EvalResult r = new EvalResult(1, "run-1", "p-1", "w1", ResultStatus.PASS, null, "{}", List.of(), "stop", 10, 3,
                12.5, 40.0, 13.75, 5.0, T, T, List.of(), "cpu", null, null, asked);

        byte[] bytes = Messages.RESULT.serializer().serialize("t", r);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"messages\":[{\"role\":\"system\"");
        assertThat(Messages.RESULT.deserializer().deserialize("t", bytes).messages()).isEqualTo(asked);
    }

    @Test
    void shouldReadAResultFromBeforeTheFieldAsHavingNoMessages() {
        String older = "{\"schema_version\":1,\"run_id\":\"r\",\"prompt_id\":\"p\",\"status\":\"pass\"}";

        EvalResult r = Json.decode(older.getBytes(StandardCharsets.UTF_8), EvalResult.class);

        assertThat(r.messages()).isEmpty();
        assertThat(new EvalResult(1, "r", "p", "w", ResultStatus.PASS, null, "", null, "stop", 0, 0, null, null, null,
                null, T, T, null, "cpu", null, null).messages()).isEmpty();
    }
}
