package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunThroughputTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldDivideTheCompletedRequestsAndTheirTokensByTheMakespan() {
        // Starts at 0 s, 1 s and 1.5 s; finishes at 2 s, 4 s and 3.5 s: the makespan is 4 s.
        List<EvalResult> results = List.of(
                Fixtures.result("r", "a").startedAt(T0).e2eMs(2000.0).tokens(100, 50).build(),
                Fixtures.result("r", "b").startedAt(T0.plusSeconds(1)).e2eMs(3000.0).tokens(200, 30)
                        .fail(FailureReason.SCHEMA_VIOLATION, "/reply: required").build(),
                // An error held a slot until it was stopped: it counts in the makespan, not in the completed requests.
                Fixtures.result("r", "c").startedAt(T0.plusMillis(1500)).e2eMs(2000.0).tokens(400, 9)
                        .error(FailureReason.TIMEOUT).build());

        RunThroughput t = RunThroughput.of(results);

        assertThat(t.timed()).isEqualTo(3);
        assertThat(t.makespanMs()).isEqualTo(4000.0);
        assertThat(t.completed()).isEqualTo(2);
        assertThat(t.inputTokens()).isEqualTo(300);
        assertThat(t.outputTokens()).isEqualTo(80);
        assertThat(t.requestsPerSec()).isCloseTo(0.5, within(1e-12));
        assertThat(t.outputTokensPerSec()).isCloseTo(20.0, within(1e-12));
        assertThat(t.totalTokensPerSec()).isCloseTo(95.0, within(1e-12));
    }

    @Test
    void shouldGiveEachPoolItsOwnMakespan() {
        List<EvalResult> results = List.of(
                Fixtures.result("r", "a").pool("gpu").startedAt(T0).e2eMs(1000.0).tokens(10, 10).build(),
                Fixtures.result("r", "b").pool("cpu").startedAt(T0).e2eMs(8000.0).tokens(10, 40).build());

        var byPool = RunThroughput.byPool(results);

        assertThat(byPool).containsOnlyKeys("cpu", "gpu");
        assertThat(byPool.get("gpu").makespanMs()).isEqualTo(1000.0);
        assertThat(byPool.get("gpu").outputTokensPerSec()).isCloseTo(10.0, within(1e-12));
        assertThat(byPool.get("cpu").outputTokensPerSec()).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void shouldStateNoRateWithoutTimes() {
        RunThroughput none = RunThroughput.of(List.of(Fixtures.result("r", "a").startedAt(null).tokens(10, 10).build()));

        assertThat(none.timed()).isZero();
        assertThat(none.makespanMs()).isNull();
        assertThat(none.requestsPerSec()).isNull();
        assertThat(none.outputTokensPerSec()).isNull();
        assertThat(RunThroughput.of(List.of()).completed()).isZero();
    }
}
