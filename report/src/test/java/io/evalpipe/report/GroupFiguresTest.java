package io.evalpipe.report;

import static io.evalpipe.report.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupFiguresTest {

    private static final List<EvalResult> RESULTS = List.of(
            // gpu / w1: 21 tokens in 50 ms -> 420 tokens/s; 21 tokens in 200 ms -> 105 tokens/s
            result("r", "a").pool("gpu").workerId("w1").e2eMs(100.0).ttftMs(50.0).tokens(40, 21).build(),
            result("r", "b").pool("gpu").workerId("w1").fail(FailureReason.INVALID_JSON).e2eMs(300.0).ttftMs(100.0)
                    .tokens(40, 21).build(),
            // cpu / w2: 21 tokens in 900 ms
            result("r", "c").pool("cpu").workerId("w2").e2eMs(1000.0).ttftMs(100.0).tokens(40, 21).build(),
            // no pool / w2: no timing at all
            result("r", "d").pool(null).workerId("w2").error(FailureReason.ENGINE_ERROR).build());

    @Test
    void shouldComputeEachPoolsFiguresByHand() {
        Map<String, GroupFigures> byPool = GroupFigures.by(RESULTS, EvalResult::pool);

        assertThat(byPool).containsOnlyKeys("(none)", "cpu", "gpu");
        GroupFigures gpu = byPool.get("gpu");
        assertThat(gpu.n()).isEqualTo(2);
        assertThat(gpu.passed()).isEqualTo(1);
        assertThat(gpu.passRate()).isEqualTo(0.5);
        assertThat(gpu.passRateCi95().lo()).isCloseTo(0.09453120573423074, within(1e-12)); // Wilson 1/2
        assertThat(gpu.passRateCi95().hi()).isCloseTo(0.9054687942657693, within(1e-12));
        assertThat(gpu.e2e().n()).isEqualTo(2);
        assertThat(gpu.e2e().p50()).isEqualTo(200.0);                          // h = 0.5
        assertThat(gpu.e2e().p95()).isCloseTo(290.0, within(1e-9));            // h = 0.95: 100 + 0.95 * 200
        assertThat(gpu.tokensPerSecMean()).isCloseTo(262.5, within(1e-9));     // (420 + 105) / 2
        assertThat(gpu.tokensPerSecN()).isEqualTo(2);

        GroupFigures cpu = byPool.get("cpu");
        assertThat(cpu.passRate()).isEqualTo(1.0);
        assertThat(cpu.passRateCi95().lo()).isCloseTo(0.20654931437723745, within(1e-12)); // Wilson 1/1
        assertThat(cpu.e2e().p95()).isEqualTo(1000.0);
        assertThat(cpu.tokensPerSecMean()).isCloseTo(21 / 0.9, within(1e-9));
    }

    @Test
    void shouldGroupResultsWithoutAPoolUnderNone() {
        GroupFigures none = GroupFigures.by(RESULTS, EvalResult::pool).get(GroupFigures.UNNAMED);

        assertThat(none.n()).isEqualTo(1);
        assertThat(none.passed()).isZero();
        assertThat(none.passRateCi95().hi()).isCloseTo(0.7934506856227626, within(1e-12)); // Wilson 0/1
        assertThat(none.e2e()).isNull();
        assertThat(none.tokensPerSecMean()).isNull();
        assertThat(none.tokensPerSecN()).isZero();
    }

    @Test
    void shouldComputeEachWorkersFiguresInNameOrder() {
        Map<String, GroupFigures> byWorker = GroupFigures.by(RESULTS, EvalResult::workerId);

        assertThat(byWorker.keySet()).containsExactly("w1", "w2");
        GroupFigures w2 = byWorker.get("w2");
        assertThat(w2.n()).isEqualTo(2);
        assertThat(w2.passed()).isEqualTo(1);
        assertThat(w2.e2e().n()).isEqualTo(1);
        assertThat(w2.e2e().p50()).isEqualTo(1000.0);
        assertThat(w2.tokensPerSecN()).isEqualTo(1);
    }
}
