package io.evalpipe.cli.schedule;

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
            details.add(goodput(baselineDir, candidateDir, suite.slo()));
        }
        return new Result(files.get(0), comparison.failed(), details);
    }

    private static String goodput(Path baselineDir, Path candidateDir, Slo slo) throws IOException {
        Goodput base = Goodput.of(baselineDir, slo);
        Goodput cand = Goodput.of(candidateDir, slo);
        return String.format(Locale.ROOT, "goodput (pass within %s) %.1f%% (%d/%d) vs %.1f%% (%d/%d)",
                slo.describe(), 100 * cand.rate(), cand.good(), cand.n(), 100 * base.rate(), base.good(), base.n());
    }
}
