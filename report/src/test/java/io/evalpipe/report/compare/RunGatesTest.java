package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.report.Fixtures;
import io.evalpipe.report.ReportWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunGatesTest {
    @TempDir
    Path root;

    private ReportFolder passing(int passed, int n) throws Exception {
        return ReportFolder.read(CompareFixtures.run(root, "run-" + passed + "-" + n, passed, CompareFixtures.tight(1000, n)));
    }

    @Test
    void shouldFailAPassRateBelowTheMinimumByItsPointEstimateAndPrintItsWilsonInterval() throws Exception {
        // 17/20 = 85%: Wilson's 95% interval [64.0%, 94.8%] reaches past 90%, but the point estimate decides.
        GateResult gate = new RunGates(0.9, null, null, null).evaluate(passing(17, 20)).get(0);
        assertThat(gate.name()).isEqualTo(RunGates.MIN_PASS_RATE);
        assertThat(gate.verdict()).isEqualTo(Verdict.BEYOND_LIMIT);
        assertThat(gate.failed()).isTrue();
        assertThat(gate.finding()).isEqualTo("pass rate 85.0% (17/20), 95% CI [64.0%, 94.8%] over N=20: below the minimum 90.0%");
    }

    @Test
    void shouldPassAPassRateExactlyAtTheMinimum() throws Exception {
        GateResult gate = new RunGates(0.85, null, null, null).evaluate(passing(17, 20)).get(0);
        assertThat(gate.verdict()).isEqualTo(Verdict.WITHIN_LIMIT);
        assertThat(gate.failed()).isFalse();
    }

    @Test
    void shouldJudgeTheP95AgainstTheReportsOwnFigure() throws Exception {
        ReportFolder report = passing(20, 20);
        double p95 = report.e2e().p95();
        Duration below = Duration.ofNanos((long) ((p95 - 1) * 1e6));
        Duration above = Duration.ofNanos((long) ((p95 + 1) * 1e6));
        assertThat(new RunGates(null, null, below, null).evaluate(report).get(0).verdict()).isEqualTo(Verdict.BEYOND_LIMIT);
        GateResult within = new RunGates(null, null, above, null).evaluate(report).get(0);
        assertThat(within.verdict()).isEqualTo(Verdict.WITHIN_LIMIT);
        assertThat(within.finding()).startsWith("E2E p95 ").contains("(N=20)").contains("at or below the maximum");
    }

    @Test
    void shouldCountPromptsWithoutAResultAsErrorsAndAsNotPassing() throws Exception {
        // 5 expected: 3 pass, 1 error, 1 missing (a deadline report).
        RunManifest manifest = Fixtures.manifest("cut", "P1", "P2", "P3", "P4", "P5");
        new ReportWriter().write(Fixtures.report(manifest,
                Fixtures.pass("cut", "P1", 100), Fixtures.pass("cut", "P2", 110), Fixtures.pass("cut", "P3", 120),
                Fixtures.error("cut", "P4", FailureReason.TIMEOUT)), root);
        ReportFolder report = ReportFolder.read(root.resolve("cut"));

        List<GateResult> gates = new RunGates(0.7, null, null, 1).evaluate(report);
        assertThat(gates).extracting(GateResult::name).containsExactly(RunGates.MIN_PASS_RATE, RunGates.MAX_ERRORS);
        // 3 of 5 expected = 60%, though 3 of the 4 results (75%) passed.
        assertThat(gates.get(0).verdict()).isEqualTo(Verdict.BEYOND_LIMIT);
        assertThat(gates.get(0).finding()).startsWith("pass rate 60.0% (3/5)").contains("over N=4, 1 prompt(s) with no result");
        assertThat(gates.get(1).verdict()).isEqualTo(Verdict.BEYOND_LIMIT);
        assertThat(gates.get(1).finding()).isEqualTo("2 error(s) (1 with status error, 1 with no result) of 5 prompts: more than the maximum 1");
        assertThat(new RunGates(null, null, null, 2).evaluate(report).get(0).verdict()).isEqualTo(Verdict.WITHIN_LIMIT);
    }

    @Test
    void shouldGateGoodputOnPassesWithinTheSlo() throws Exception {
        // Three passes at 100, 200 and 300 ms under an E2E objective of 250 ms: goodput 2/3.
        RunManifest manifest = Fixtures.manifest("slo").prompts("P1", "P2", "P3").slo(new Slo(250.0, null)).build();
        new ReportWriter().write(Fixtures.report(manifest,
                Fixtures.pass("slo", "P1", 100), Fixtures.pass("slo", "P2", 200), Fixtures.pass("slo", "P3", 300)), root);
        ReportFolder report = ReportFolder.read(root.resolve("slo"));
        assertThat(report.goodput().good()).isEqualTo(2);
        assertThat(report.goodput().sloSet()).isTrue();
        GateResult gate = new RunGates(null, 0.7, null, null).evaluate(report).get(0);
        assertThat(gate.name()).isEqualTo(RunGates.MIN_GOODPUT);
        assertThat(gate.verdict()).isEqualTo(Verdict.BEYOND_LIMIT);
        assertThat(gate.finding()).startsWith("goodput 66.7% (2/3)");
        assertThat(new RunGates(null, 0.6, null, null).evaluate(report).get(0).verdict()).isEqualTo(Verdict.WITHIN_LIMIT);
    }

    @Test
    void shouldFailEveryGateOfARunWithNoResultAsNoData() throws Exception {
        new ReportWriter().write(Fixtures.report(Fixtures.manifest("none", "P1", "P2")), root);
        ReportFolder report = ReportFolder.read(root.resolve("none"));
        List<GateResult> gates = new RunGates(0.5, null, Duration.ofSeconds(1), null).evaluate(report);
        assertThat(gates).extracting(GateResult::verdict).containsExactly(Verdict.NO_DATA, Verdict.NO_DATA);
        assertThat(gates).allMatch(GateResult::failed);
    }

    @Test
    void shouldRefuseLimitsThatCannotBeMet() {
        assertThatThrownBy(() -> new RunGates(1.5, null, null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new RunGates(null, null, Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunGates(null, null, null, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RunGates.NONE.isSet()).isFalse();
    }
}
