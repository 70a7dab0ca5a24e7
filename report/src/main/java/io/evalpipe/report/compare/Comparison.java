package io.evalpipe.report.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How a candidate run differs from a baseline run, with the 95% interval of every difference, and
 * what the gates conclude. Pure: computed from two report folders already read, nothing written.
 *
 * @param passRateDiff        p_c − p_b; null when either run has no result
 * @param passRateDiffCi95    {@link Newcombe} interval of it
 * @param e2eP50Diff          from each summary.json's p50, in ms; null without latencies
 * @param e2eP95Ratio         p95_c / p95_b; null without latencies or with a zero baseline p95
 * @param latencyCi95         bootstrap intervals of the latency and token differences; null without latencies
 * @param passToFail          passed in the baseline, not in the candidate (prompt id order)
 * @param failToPass          the other way round
 * @param onlyInBaseline      prompt ids with a result in the baseline only
 * @param caveats             what a reader should know before trusting the comparison
 */
public record Comparison(
        ReportFolder baseline,
        ReportFolder candidate,
        Thresholds thresholds,
        Double passRateDiff,
        Interval passRateDiffCi95,
        Double e2eP50Diff,
        Double e2eP50Ratio,
        Double e2eP95Diff,
        Double e2eP95Ratio,
        TwoSampleBootstrap.Deltas latencyCi95,
        Double meanCompletionTokensDiff,
        List<GateResult> gates,
        List<Flip> passToFail,
        List<Flip> failToPass,
        List<String> onlyInBaseline,
        List<String> onlyInCandidate,
        List<String> caveats) {

    public Comparison {
        gates = List.copyOf(gates);
        passToFail = List.copyOf(passToFail);
        failToPass = List.copyOf(failToPass);
        onlyInBaseline = List.copyOf(onlyInBaseline);
        onlyInCandidate = List.copyOf(onlyInCandidate);
        caveats = List.copyOf(caveats);
    }

    public static Comparison of(ReportFolder baseline, ReportFolder candidate, Thresholds thresholds) {
        Objects.requireNonNull(thresholds, "thresholds");
        Double passRateDiff = null;
        Interval passRateCi = null;
        if (baseline.passRate() != null && candidate.passRate() != null) {
            passRateDiff = candidate.passRate() - baseline.passRate();
            passRateCi = Newcombe.difference(baseline.passRate(), baseline.passRateCi95(), candidate.passRate(), candidate.passRateCi95());
        }
        ReportFolder.Latency b = baseline.e2e();
        ReportFolder.Latency c = candidate.e2e();
        boolean latencies = b != null && c != null;
        TwoSampleBootstrap.Deltas deltas = latencies
                ? TwoSampleBootstrap.of(samples(baseline), samples(candidate), TwoSampleBootstrap.seed(baseline.runId(), candidate.runId()))
                : null;
        Double p95Ratio = latencies && b.p95() > 0 ? c.p95() / b.p95() : null;
        Double tokensDiff = baseline.meanCompletionTokens() != null && candidate.meanCompletionTokens() != null
                ? candidate.meanCompletionTokens() - baseline.meanCompletionTokens()
                : null;
        Map<String, ReportFolder.Row> base = byPrompt(baseline);
        Map<String, ReportFolder.Row> cand = byPrompt(candidate);
        List<Flip> passToFail = new ArrayList<>();
        List<Flip> failToPass = new ArrayList<>();
        for (String id : new TreeSet<>(base.keySet())) {
            ReportFolder.Row before = base.get(id);
            ReportFolder.Row after = cand.get(id);
            if (after != null && before.passed() != after.passed()) {
                (before.passed() ? passToFail : failToPass).add(new Flip(id, before, after));
            }
        }
        List<GateResult> gates = List.of(
                passRateGate(baseline, candidate, passRateDiff, passRateCi, thresholds.maxPassRateDrop()),
                p95Gate(baseline, candidate, p95Ratio, deltas, thresholds.maxP95Increase()));
        return new Comparison(baseline, candidate, thresholds, passRateDiff, passRateCi,
                latencies ? c.p50() - b.p50() : null,
                latencies && b.p50() > 0 ? c.p50() / b.p50() : null,
                latencies ? c.p95() - b.p95() : null,
                p95Ratio, deltas, tokensDiff, gates, passToFail, failToPass,
                missingFrom(base, cand), missingFrom(cand, base), caveats(baseline, candidate));
    }

    /** True when a gate failed: the command exits 1. */
    public boolean failed() {
        return gates.stream().anyMatch(GateResult::failed);
    }

    /** One line: "regression: pass_rate", "no regression", or "no regression shown; inconclusive (within noise): e2e_p95". */
    public String headline() {
        List<String> failedGates = names(Verdict.REGRESSION, Verdict.NO_DATA);
        if (!failedGates.isEmpty()) {
            return "regression: " + String.join(", ", failedGates);
        }
        List<String> inconclusive = names(Verdict.INCONCLUSIVE);
        return inconclusive.isEmpty() ? "no regression"
                : "no regression shown; inconclusive (within noise): " + String.join(", ", inconclusive);
    }

    private List<String> names(Verdict... verdicts) {
        Set<Verdict> wanted = Set.of(verdicts);
        return gates.stream().filter(g -> wanted.contains(g.verdict())).map(GateResult::name).toList();
    }

    private static GateResult passRateGate(ReportFolder b, ReportFolder c, Double diff, Interval ci, double maxDrop) {
        String rule = Gates.passRateRule(maxDrop);
        if (c.passRate() == null) {
            return new GateResult(Gates.PASS_RATE, Verdict.NO_DATA, rule, "the candidate has no result at all");
        }
        if (b.passRate() == null) {
            return new GateResult(Gates.PASS_RATE, Verdict.NO_BASELINE, rule, "the baseline has no result to compare with");
        }
        Verdict verdict = Gates.passRate(diff, ci, maxDrop);
        String finding = "pass rate " + rate(c) + " vs " + rate(b) + ": " + Format.points(diff) + " points, 95% CI "
                + Format.pointsInterval(ci) + "; allowed drop " + Gates.points(maxDrop) + " points: " + switch (verdict) {
                    case REGRESSION -> "the whole interval lies beyond it";
                    case INCONCLUSIVE -> "the point estimate is beyond it, but the interval reaches back within it: not distinguishable from noise";
                    default -> "within it";
                };
        return new GateResult(Gates.PASS_RATE, verdict, rule, finding);
    }

    private static GateResult p95Gate(ReportFolder b, ReportFolder c, Double ratio, TwoSampleBootstrap.Deltas deltas, double maxIncrease) {
        String rule = Gates.p95Rule(maxIncrease);
        if (c.e2e() == null) {
            return new GateResult(Gates.E2E_P95, Verdict.NO_DATA, rule, "the candidate has no E2E latency at all");
        }
        if (b.e2e() == null || ratio == null || deltas == null || deltas.p95Ratio() == null) {
            return new GateResult(Gates.E2E_P95, Verdict.NO_BASELINE, rule, "the baseline has no (non-zero) E2E p95 to compare with");
        }
        Verdict verdict = Gates.p95(ratio, deltas.p95Ratio(), maxIncrease);
        String finding = "E2E p95 " + Format.figure(c.e2e().p95()) + " ms (N=" + c.e2e().n() + ") vs " + Format.figure(b.e2e().p95())
                + " ms (N=" + b.e2e().n() + "): " + Format.ratio(ratio) + ", 95% CI " + Format.ratioInterval(deltas.p95Ratio())
                + "; allowed " + Format.ratio(1 + maxIncrease) + ": " + switch (verdict) {
                    case REGRESSION -> "the whole interval lies above it";
                    case INCONCLUSIVE -> "the point estimate is above it, but the interval reaches back within it: not distinguishable from noise";
                    default -> "within it";
                };
        return new GateResult(Gates.E2E_P95, verdict, rule, finding);
    }

    private static String rate(ReportFolder r) {
        return Format.percent(r.passRate()) + " (" + r.passed() + "/" + r.n() + ")";
    }

    /** The latency population of summary.json: the rows with an E2E value. */
    private static List<TwoSampleBootstrap.Sample> samples(ReportFolder r) {
        return r.rows().stream().filter(row -> row.e2eMs() != null)
                .map(row -> new TwoSampleBootstrap.Sample(row.e2eMs(), row.completionTokens())).toList();
    }

    private static Map<String, ReportFolder.Row> byPrompt(ReportFolder r) {
        // A report has one row per prompt; should an edited file repeat one, the last row wins, as in the aggregator.
        return r.rows().stream().collect(Collectors.toMap(ReportFolder.Row::promptId, row -> row, (x, y) -> y, LinkedHashMap::new));
    }

    private static List<String> missingFrom(Map<String, ReportFolder.Row> in, Map<String, ReportFolder.Row> notIn) {
        return in.keySet().stream().filter(id -> !notIn.containsKey(id)).sorted().toList();
    }

    private static List<String> caveats(ReportFolder b, ReportFolder c) {
        List<String> out = new ArrayList<>();
        if (b.promptSetSha256() != null && c.promptSetSha256() != null && !b.promptSetSha256().equals(c.promptSetSha256())) {
            out.add("The runs used different prompt sets (prompt_set_sha256 differs): the rates are of different prompts.");
        }
        if (!Objects.equals(b.modelSha256(), c.modelSha256())) {
            out.add("The runs used different models: " + b.modelFile() + " vs " + c.modelFile() + ".");
        }
        if (b.syntheticModel() || c.syntheticModel()) {
            out.add("A synthetic model (random weights) produced " + (b.syntheticModel() && c.syntheticModel() ? "both runs" : "one run")
                    + ": the pass rates say nothing about a real model.");
        }
        for (ReportFolder r : List.of(b, c)) {
            if (r.n() < r.expected()) {
                out.add("Run " + r.runId() + " is incomplete: " + r.n() + " of " + r.expected() + " prompts have a result.");
            }
            if (r.e2e() != null && r.e2e().n() < 20) {
                out.add("Run " + r.runId() + " has N = " + r.e2e().n() + " < 20 latencies: its p95 lies between its two largest values.");
            }
        }
        return out;
    }
}
