package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlierTest {

    @Test
    void shouldPickEveryNonPassAndEveryResultSlowerThanP95() {
        List<EvalResult> results = List.of(
                Fixtures.pass("r", "a", 100.0),
                Fixtures.fail("r", "b", FailureReason.SCHEMA_VIOLATION, "/x: required"), // e2e 500
                Fixtures.pass("r", "c", 200.0),
                Fixtures.pass("r", "d", 300.0),
                Fixtures.pass("r", "e", 900.0),
                Fixtures.error("r", "f", FailureReason.ENGINE_ERROR));
        // sorted E2E [100, 200, 300, 500, 900]: p95 at h = 3.8 is 500 + 0.8 * 400 = 820
        LatencyStats e2e = LatencyStats.of(results.stream().map(EvalResult::e2eMs).toList());

        assertThat(Outlier.select(results, e2e))
                .extracting(o -> o.result().promptId(), Outlier::reasons)
                .containsExactly(
                        tuple("b", List.of("fail")),
                        tuple("e", List.of("e2e_above_p95")),
                        tuple("f", List.of("error")));
    }

    @Test
    void shouldGiveASlowTimeoutBothReasons() {
        List<EvalResult> results = List.of(
                Fixtures.pass("r", "a", 100.0),
                Fixtures.pass("r", "b", 110.0),
                result("r", "c").error(FailureReason.TIMEOUT).e2eMs(120000.0).build());
        LatencyStats e2e = LatencyStats.of(results.stream().map(EvalResult::e2eMs).toList());

        assertThat(Outlier.select(results, e2e)).singleElement()
                .extracting(Outlier::reasons).isEqualTo(List.of("error", "e2e_above_p95"));
    }

    @Test
    void shouldFindNobodySlowWhenAllLatenciesAreEqual() {
        List<EvalResult> results = List.of(Fixtures.pass("r", "a", 100.0), Fixtures.pass("r", "b", 100.0));

        assertThat(Outlier.select(results, LatencyStats.of(List.of(100.0, 100.0)))).isEmpty();
    }

    @Test
    void shouldStillPickFailuresWhenNoResultHasALatency() {
        List<EvalResult> results = List.of(Fixtures.error("r", "a", FailureReason.ENGINE_ERROR));

        assertThat(Outlier.select(results, null)).extracting(o -> o.result().promptId()).containsExactly("a");
    }
}
