package io.evalpipe.aggregator;

import static io.evalpipe.report.Fixtures.pass;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.Messages;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ReceivedResultTest {

    @Test
    void shouldReadTheIdsOfAResultAndKeepItsBytes() {
        byte[] json = Messages.RESULT.serializer().serialize(null, pass("run-7", "p-42", 120));

        ReceivedResult r = ReceivedResult.of(json);

        assertThat(r.runId()).isEqualTo("run-7");
        assertThat(r.promptId()).isEqualTo("p-42");
        assertThat(r.json()).isSameAs(json);
    }

    @Test
    void shouldFindTheIdsAfterNestedFieldsThatHoldTheSameNames() {
        String json = "{\"lineage\":{\"run_id\":\"no\",\"prompt_id\":\"no\"},\"notes\":[\"run_id\"],"
                + "\"prompt_id\":\"p1\",\"run_id\":\"r1\"}";

        ReceivedResult r = ReceivedResult.of(json.getBytes(StandardCharsets.UTF_8));

        assertThat(r.runId()).isEqualTo("r1");
        assertThat(r.promptId()).isEqualTo("p1");
    }

    @Test
    void shouldRefuseBytesThatDoNotNameBothIds() {
        assertThatThrownBy(() -> ReceivedResult.of(bytes("not json"))).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> ReceivedResult.of(bytes("[1,2]"))).isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ReceivedResult.of(bytes("{\"run_id\":\"r1\"}"))).isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("no prompt_id");
        assertThatThrownBy(() -> ReceivedResult.of(bytes("{\"run_id\":7,\"prompt_id\":\"p\"}"))).isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("no run_id");
        assertThatThrownBy(() -> ReceivedResult.of(null)).isInstanceOf(MessageFormatException.class);
    }

    @Property(tries = 300)
    void shouldRaiseOnlyMessageFormatExceptionForRandomBytes(@ForAll byte[] bytes) {
        try {
            ReceivedResult.of(bytes);
        } catch (MessageFormatException expected) {
            // the one failure the topology catches
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
