package io.evalpipe.scheduler;

import io.evalpipe.report.compare.CompareOutput;
import io.evalpipe.report.compare.Comparison;
import io.evalpipe.report.compare.GateResult;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.UnreadableReportException;
import io.evalpipe.contracts.Slo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares a scheduled run with its suite's baseline exactly as {@code evalctl compare} would (same
 * gates, same intervals), writes {@value CompareOutput#MARKDOWN} and {@value CompareOutput#JUNIT}
 * into the run's report folder, and adds the suite's goodput, which compare does not know about.
 */
final class BaselineComparer {

    /**
     * @param file    compare.md, in the candidate's report folder
     * @param details the headline, then one line per gate (only the failed ones when a gate failed), then goodput
     */
    record Result(Path file, boolean failed, List<String> details) {}

    private BaselineComparer() {}

    static Result compare(Path baselineDir, Path candidateDir, Suite suite) throws UnreadableReportException, IOException {
        ReportFolder baseline = ReportFolder.read(baselineDir);
        ReportFolder candidate = ReportFolder.read(candidateDir);
        Comparison comparison = Comparison.of(baseline, candidate, suite.gates());
        List<Path> files = CompareOutput.write(comparison, candidateDir);

        List<String> details = new ArrayList<>();
        details.add(comparison.headline());
        for (GateResult gate : comparison.gates()) {
            // An alert names what failed; a passing run lists every gate, so the log shows how close it came.
            if (gate.failed() || !comparison.failed()) {
                details.add(gate.name() + " " + gate.verdict().label() + ": " + gate.finding());
            }
        }
        if (suite.slo().isSet()) {
            details.add(goodput(baseline, candidate, suite.slo()));
        }
        return new Result(files.get(0), comparison.failed(), details);
    }

    /** Both runs by the suite's current SLO, which the baseline may not have been run with. */
    private static String goodput(ReportFolder baseline, ReportFolder candidate, Slo slo) {
        int base = baseline.goodUnder(slo);
        int cand = candidate.goodUnder(slo);
        return String.format(Locale.ROOT, "goodput (pass within %s) %.1f%% (%d/%d) vs %.1f%% (%d/%d)",
                slo.describe(), percent(cand, candidate.n()), cand, candidate.n(), percent(base, baseline.n()), base, baseline.n());
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
