package io.evalpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SloTest {

    @Test
    void shouldCountALatencyEqualToTheObjectiveAsMet() {
        Slo slo = new Slo(1000.0, 200.0);

        assertThat(slo.isMetBy(1000.0, 200.0)).isTrue();
        assertThat(slo.isMetBy(1000.5, 200.0)).isFalse();
        assertThat(slo.isMetBy(1000.0, 200.5)).isFalse();
    }

    @Test
    void shouldNotCountAMissingTimingAsMeetingItsObjective() {
        assertThat(new Slo(null, 200.0).isMetBy(1.0, null)).isFalse();
        assertThat(new Slo(1000.0, null).isMetBy(null, 1.0)).isFalse();
        // No objective on the missing metric: it does not matter.
        assertThat(new Slo(1000.0, null).isMetBy(1.0, null)).isTrue();
    }

    @Test
    void shouldBeMetByEveryResultWhenNotSet() {
        assertThat(Slo.NONE.isSet()).isFalse();
        assertThat(Slo.NONE.isMetBy(null, null)).isTrue();
        assertThat(Slo.NONE.describe()).isEqualTo("no SLO set");
    }

    @Test
    void shouldDescribeItsObjectives() {
        assertThat(new Slo(2000.0, 500.0).describe()).isEqualTo("E2E ≤ 2000 ms, TTFT ≤ 500 ms");
        assertThat(new Slo(null, 250.5).describe()).isEqualTo("TTFT ≤ 250.5 ms");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void shouldRejectAnObjectiveThatIsNoPositiveDuration(double ms) {
        assertThatThrownBy(() -> new Slo(ms, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Slo(null, ms)).isInstanceOf(IllegalArgumentException.class);
    }
}
