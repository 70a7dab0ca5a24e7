package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageErrorsTest {
    private static final List<String> NAMES = List.of("run", "runs", "worker", "-v", "-h", "--prompts");

    @Test
    void shouldCountASwapAsOneEdit() {
        assertThat(UsageErrors.distance("wroker", "worker")).isEqualTo(1);
        assertThat(UsageErrors.distance("rn", "runs")).isEqualTo(2);
    }

    @Test
    void shouldOfferOnlyTheNearestNames() {
        assertThat(UsageErrors.nearest("rn", NAMES)).containsExactly("run");
        assertThat(UsageErrors.nearest("rns", NAMES)).containsExactly("runs");
        assertThat(UsageErrors.nearest("--Prompt", NAMES)).containsExactly("--prompts");
    }

    @Test
    void shouldOfferNothingForAWordAsShortAsItsEdits() {
        assertThat(UsageErrors.nearest("-X", NAMES)).isEmpty();
        assertThat(UsageErrors.nearest("x", NAMES)).isEmpty();
        assertThat(UsageErrors.nearest("scheduler-daemon", NAMES)).isEmpty();
    }
}
