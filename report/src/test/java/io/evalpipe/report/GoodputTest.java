package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Slo;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoodputTest {

    /** Eight passes and two non-passes; which passes are good depends on the SLO. */
    private static final List<EvalResult> RESULTS = List.of(
            result("r", "a").e2eMs(500.0).ttftMs(100.0).build(),    // good
            result("r", "b").e2eMs(1000.0).ttftMs(200.0).build(),   // good: both on the limit
            result("r", "c").e2eMs(1000.5).ttftMs(100.0).build(),   // E2E over
            result("r", "d").e2eMs(800.0).ttftMs(250.0).build(),    // TTFT over
            result("r", "e").e2eMs(600.0).ttftMs(null).build(),     // no TTFT: not shown to meet it
            result("r", "f").e2eMs(300.0).ttftMs(50.0).build(),     // good
            result("r", "g").e2eMs(400.0).ttftMs(60.0).build(),     // good
            result("r", "h").e2eMs(900.0).ttftMs(190.0).build(),    // good
            result("r", "i").fail(FailureReason.SCHEMA_VIOLATION, "/a: required").e2eMs(100.0).ttftMs(20.0).build(),
            Fixtures.error("r", "j", FailureReason.ENGINE_ERROR));

    @Test
    void shouldCountPassesWithinEveryObjective() {
        Goodput g = Goodput.of(RESULTS, 12, new Slo(1000.0, 200.0));

        assertThat(g.good()).isEqualTo(5);
        assertThat(g.rate()).isEqualTo(0.5);                                    // 5 / 10
        assertThat(g.rateOfExpected()).isCloseTo(5 / 12.0, within(1e-15));    // 0.41667
        assertThat(g.ci95().lo()).isCloseTo(0.236593090512564, within(1e-12)); // Wilson 5/10
        assertThat(g.ci95().hi()).isCloseTo(0.7634069094874361, within(1e-12));
    }

    @Test
    void shouldIgnoreTheMetricWithoutAnObjective() {
        // E2E ≤ 1000 only: a, b, d, e, f, g, h
        assertThat(Goodput.of(RESULTS, 10, new Slo(1000.0, null)).good()).isEqualTo(7);
    }

    @Test
    void shouldEqualThePassRateWithoutAnSlo() {
        Goodput g = Goodput.of(RESULTS, 10, Slo.NONE);

        assertThat(g.good()).isEqualTo(8);
        assertThat(g.rate()).isEqualTo(0.8);
        assertThat(g.rateOfExpected()).isEqualTo(0.8);
        assertThat(g.ci95()).isEqualTo(Wilson.ci95(8, 10));
        assertThat(g.ci95().lo()).isCloseTo(0.4902, within(5e-5));
    }

    @Test
    void shouldHaveNoRateOfNothing() {
        Goodput g = Goodput.of(List.of(), 0, Slo.NONE);

        assertThat(g.good()).isZero();
        assertThat(g.rate()).isNull();
        assertThat(g.rateOfExpected()).isNull();
        assertThat(g.ci95()).isNull();
    }
}
