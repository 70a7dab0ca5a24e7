package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatesTest {

    @Test
    void shouldCallAPassRateRegressionOnlyWhenTheWholeIntervalIsBeyondTheAllowedDrop() {
        // 18/20 -> 8/20: d = -0.5, Newcombe [-0.6950, -0.2068].
        assertThat(Gates.passRate(-0.5, new Interval(-0.6950, -0.2068), 0.02)).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void shouldCallAPassRateDropInconclusiveWhenTheIntervalReachesBackWithinTheAllowedDrop() {
        // 17/20 -> 16/20: d = -0.05, Newcombe [-0.2871, 0.1919].
        assertThat(Gates.passRate(-0.05, new Interval(-0.2871, 0.1919), 0.02)).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldPassAPassRateWhoseDropIsWithinTheAllowance() {
        assertThat(Gates.passRate(-0.01, new Interval(-0.05, 0.03), 0.02)).isEqualTo(Verdict.PASS);
        assertThat(Gates.passRate(0.10, new Interval(0.01, 0.2), 0.02)).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldTreatADropOfExactlyTheAllowanceAsWithinItDespiteRounding() {
        double d = 0.98 - 1.00; // -0.020000000000000018
        assertThat(Gates.passRate(d, new Interval(-0.1, 0.05), 0.02)).isEqualTo(Verdict.PASS);
        assertThat(Gates.passRate(-0.3, new Interval(-0.4, 0.98 - 1.00), 0.02)).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldCallAP95RegressionOnlyWhenTheWholeRatioIntervalIsAboveTheLimit() {
        assertThat(Gates.p95(3.0, new Interval(2.9, 3.1), 0.20)).isEqualTo(Verdict.REGRESSION);
        assertThat(Gates.p95(1.3, new Interval(0.7, 2.4), 0.20)).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(Gates.p95(1.05, new Interval(0.6, 1.9), 0.20)).isEqualTo(Verdict.PASS);
        assertThat(Gates.p95(1.2, new Interval(1.2, 1.2), 0.20)).isEqualTo(Verdict.PASS);
    }

    @Test
    void shouldFailOnlyRegressionsAndMissingData() {
        assertThat(Verdict.REGRESSION.failed()).isTrue();
        assertThat(Verdict.NO_DATA.failed()).isTrue();
        assertThat(Verdict.INCONCLUSIVE.failed()).isFalse();
        assertThat(Verdict.PASS.failed()).isFalse();
        assertThat(Verdict.NO_BASELINE.failed()).isFalse();
    }

    @Test
    void shouldStateThresholdsAsTheyWereGiven() {
        assertThat(Gates.passRateRule(0.02)).contains("-2 points");
        assertThat(Gates.p95Rule(0.2)).contains("×1.20 (+20%)");
    }
}
