package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.evalpipe.contracts.FailureReason;
import org.junit.jupiter.api.Test;

class TokenRateTest {

    @Test
    void shouldDivideCompletionTokensByTheDecodeTime() {
        // 21 tokens / ((500 - 100) / 1000) s
        assertThat(TokenRate.of(result("r", "p").e2eMs(500.0).ttftMs(100.0).tokens(40, 21).build())).isEqualTo(52.5);
        // 100 tokens / 2 s
        assertThat(TokenRate.of(result("r", "p").e2eMs(2100.0).ttftMs(100.0).tokens(40, 100).build())).isEqualTo(50.0);
        // 60 / 1.1005 s
        assertThat(TokenRate.of(result("r", "p").e2eMs(1200.5).ttftMs(100.0).tokens(40, 60).build()))
                .isCloseTo(54.52067242162653, within(1e-9));
    }

    @Test
    void shouldRateATimeoutUpToItsCancellation() {
        // 256 tokens in (120000 - 300) ms
        assertThat(TokenRate.of(result("r", "p").error(FailureReason.TIMEOUT).e2eMs(120000.0).ttftMs(300.0)
                .tokens(45, 256).build())).isCloseTo(2.1386800334168754, within(1e-12));
    }

    @Test
    void shouldBeUndefinedWithoutBothTimings() {
        assertThat(TokenRate.of(result("r", "p").ttftMs(null).build())).isNull();
        assertThat(TokenRate.of(result("r", "p").e2eMs(null).build())).isNull();
        assertThat(TokenRate.of(Fixtures.error("r", "p", FailureReason.ENGINE_ERROR))).isNull();
    }

    @Test
    void shouldBeUndefinedWithoutADecodePhase() {
        assertThat(TokenRate.of(result("r", "p").e2eMs(100.0).ttftMs(100.0).build())).isNull();
        assertThat(TokenRate.of(result("r", "p").e2eMs(90.0).ttftMs(100.0).build())).isNull();
        assertThat(TokenRate.of(result("r", "p").tokens(40, 1).build())).isNull();
        assertThat(TokenRate.of(result("r", "p").tokens(40, 0).build())).isNull();
    }
}
