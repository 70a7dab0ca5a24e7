package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {

    @TempDir
    Path reports;

    Comparison compare(Path baseline, Path candidate) throws UnreadableReportException {
        return Comparison.of(ReportFolder.read(baseline), ReportFolder.read(candidate), Thresholds.DEFAULTS);
    }

    @Test
    void shouldCallARealRegressionOnBothGates() throws Exception {
        double[] fast = CompareFixtures.tight(100, 20);
        Path base = CompareFixtures.run(reports, "base", 18, fast);
        Path cand = CompareFixtures.run(reports, "cand", 8, CompareFixtures.times(fast, 3));

        Comparison c = compare(base, cand);

        assertThat(c.passRateDiff()).isCloseTo(-0.5, within(1e-12));
        assertThat(c.passRateDiffCi95().lo()).isCloseTo(-0.6950238889040178, within(1e-12));
        assertThat(c.passRateDiffCi95().hi()).isCloseTo(-0.2068072607809917, within(1e-12));
        assertThat(c.e2eP95Ratio()).isCloseTo(3.0, within(1e-9));
        assertThat(c.latencyCi95().p95Ratio().lo()).isGreaterThan(1.2);
        assertThat(c.gates()).extracting(GateResult::verdict).containsExactly(Verdict.REGRESSION, Verdict.REGRESSION);
        assertThat(c.failed()).isTrue();
        assertThat(c.headline()).isEqualTo("regression: pass_rate, e2e_p95");
        assertThat(c.gates().get(0).finding()).contains("-50.0 points", "[-69.5, -20.7]", "the whole interval lies beyond it");
    }

    @Test
    void shouldCallANoisyDropInconclusiveAndNotFail() throws Exception {
        double[] spread = CompareFixtures.wide(100, 20);
        Path base = CompareFixtures.run(reports, "base", 17, spread);
        Path cand = CompareFixtures.run(reports, "cand", 16, CompareFixtures.times(spread, 1.05));

        Comparison c = compare(base, cand);

        assertThat(c.passRateDiffCi95().lo()).isCloseTo(-0.28705567450406855, within(1e-12));
        assertThat(c.passRateDiffCi95().hi()).isCloseTo(0.19190637060587362, within(1e-12));
        assertThat(c.gates()).extracting(GateResult::verdict).containsExactly(Verdict.INCONCLUSIVE, Verdict.PASS);
        assertThat(c.failed()).isFalse();
        assertThat(c.headline()).isEqualTo("no regression shown; inconclusive (within noise): pass_rate");
    }

    @Test
    void shouldCallAP95IncreaseBeyondTheLimitInconclusiveWhenItsIntervalIsWide() throws Exception {
        double[] spread = CompareFixtures.wide(100, 20);
        Path base = CompareFixtures.run(reports, "base", 20, spread);
        Path cand = CompareFixtures.run(reports, "cand", 20, CompareFixtures.times(spread, 1.3));

        Comparison c = compare(base, cand);

        assertThat(c.e2eP95Ratio()).isCloseTo(1.3, within(1e-9));
        assertThat(c.latencyCi95().p95Ratio().lo()).isLessThan(1.2);
        assertThat(c.gates().get(1).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(c.gates().get(1).finding()).contains("×1.30", "not distinguishable from noise");
    }

    @Test
    void shouldListPromptsThatFlippedAndPromptsInOneRunOnly() throws Exception {
        double[] e2e = CompareFixtures.tight(100, 4);
        Path base = CompareFixtures.run(reports, "base", new boolean[] {true, true, false, false}, e2e);
        Path cand = CompareFixtures.run(reports, "cand", new boolean[] {true, false, true, false, true},
                CompareFixtures.tight(100, 5));

        Comparison c = compare(base, cand);

        assertThat(c.passToFail()).extracting(Flip::promptId).containsExactly("P02");
        assertThat(c.passToFail().get(0).candidate().failureReason()).isEqualTo("schema_violation");
        assertThat(c.failToPass()).extracting(Flip::promptId).containsExactly("P03");
        assertThat(c.onlyInCandidate()).containsExactly("P05");
        assertThat(c.onlyInBaseline()).isEmpty();
    }

    @Test
    void shouldFailWhenTheCandidateHasNoLatencyAtAll() throws Exception {
        Path base = CompareFixtures.run(reports, "base", 2, CompareFixtures.tight(100, 2));
        var manifest = io.evalpipe.report.Fixtures.manifest("cand", "P01", "P02");
        new io.evalpipe.report.ReportWriter().write(io.evalpipe.report.Fixtures.report(manifest,
                io.evalpipe.report.Fixtures.error("cand", "P01", io.evalpipe.contracts.FailureReason.ENGINE_ERROR),
                io.evalpipe.report.Fixtures.error("cand", "P02", io.evalpipe.contracts.FailureReason.ENGINE_ERROR)), reports);

        Comparison c = compare(base, reports.resolve("cand"));

        assertThat(c.gates().get(1).verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(c.failed()).isTrue();
    }

    @Test
    void shouldRenderMarkdownWithDifferencesGatesFlipsAndMethods() throws Exception {
        double[] fast = CompareFixtures.tight(100, 20);
        Path base = CompareFixtures.run(reports, "base", 18, fast);
        Path cand = CompareFixtures.run(reports, "cand", 8, CompareFixtures.times(fast, 3));

        String md = CompareMarkdown.render(compare(base, cand));

        assertThat(md).contains("**Verdict: regression: pass_rate, e2e_p95**")
                .contains("| Pass rate | 90.0% (18/20) [69.9%, 97.2%] | 40.0% (8/20) [21.9%, 61.3%] | -50.0 points [-69.5, -20.7] |")
                .contains("## Pass → not pass (10)")
                .contains("| P09 | pass | fail (schema_violation) |")
                .contains("## Not pass → pass (0)")
                .contains("Newcombe's hybrid score").contains("2000 times")
                .doesNotContain("latencies: its p95 lies between");
    }
}
