package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import io.evalpipe.report.compare.CompareMany;
import io.evalpipe.report.compare.CompareMarkdown;
import io.evalpipe.report.compare.CompareOutput;
import io.evalpipe.report.compare.Comparison;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.SideBySidePage;
import io.evalpipe.report.compare.Thresholds;
import io.evalpipe.report.compare.UnreadableReportException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares a candidate run with a baseline run from their report folders: pass rate, E2E p50/p95 and mean"
                + " completion tokens, each difference with its 95%% interval, and the prompts that went pass -> fail and back."
                + " Writes compare.md and compare-junit.xml (one test case per gate).",
                "A gate fails (exit 1) only when the whole 95%% interval lies beyond the allowed change; a point estimate beyond"
                + " it with an interval reaching back within it is reported as inconclusive (noise), exit 0.",
                "With more than two reports: one table of all of them side by side (model, file size, load time, pass rate with"
                + " its interval, E2E p50/p95, TTFT p50, decode tok/s, failures by reason), in compare.md and compare.html (with"
                + " charts of pass rate and p95), written into --out, default REPORTS/compare-<time>/. Gates compare two reports"
                + " only: with more, there are none (exit 0), and giving a gate option is an error."})
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "REPORT",
            description = "Report folders, or run ids under --reports: BASELINE CANDIDATE, or more than two to set side by side.")
    List<String> given;

    @Spec
    CommandSpec spec;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR",
            description = "Where run ids are looked up. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Option(names = "--max-pass-rate-drop", defaultValue = "0.02", paramLabel = "FRACTION", converter = FractionConverter.class,
            description = "Allowed fall of the pass rate, absolute: 0.02 or 2%% is two percentage points. Default: ${DEFAULT-VALUE}.")
    double maxPassRateDrop;

    @Option(names = "--max-p95-increase", defaultValue = "20%", paramLabel = "FRACTION", converter = FractionConverter.class,
            description = "Allowed growth of the E2E p95, relative: 20%% or 0.2 allows 1.2 times the baseline's. Default: 20%%.")
    double maxP95Increase;

    @Option(names = "--out", paramLabel = "DIR", description = "Where compare.md and compare-junit.xml go. Default: the candidate's report folder"
            + " (more than two reports: a new folder REPORTS/compare-<time>).")
    Path out;

    @Override
    public Integer call() {
        if (given.size() > 2) {
            return compareMany();
        }
        String baseline = given.get(0);
        String candidate = given.get(1);
        Thresholds thresholds;
        try {
            thresholds = new Thresholds(maxPassRateDrop, maxP95Increase);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
        ReportFolder base = read(locate(baseline, "BASELINE"));
        ReportFolder cand = read(locate(candidate, "CANDIDATE"));
        Comparison comparison = Comparison.of(base, cand, thresholds);
        Path dir = out != null ? out : cand.dir();
        List<Path> files;
        try {
            files = CompareOutput.write(comparison, dir);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot write the comparison into " + dir + ": " + e.getMessage(), e);
        }
        System.out.print(CompareMarkdown.consoleSummary(comparison));
        files.forEach(f -> System.out.println("Wrote " + f.toAbsolutePath()));
        return comparison.failed() ? ExitCode.GATE_FAILED : ExitCode.OK;
    }

    /** All reports side by side; the gates, which need a baseline and one candidate, are refused rather than ignored. */
    private int compareMany() {
        for (String gate : List.of("--max-pass-rate-drop", "--max-p95-increase")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(gate)) {
                throw new CliException(ExitCode.USAGE, gate + " gates a comparison of two reports; with " + given.size()
                        + " there are no gates: compare BASELINE CANDIDATE for one");
            }
        }
        List<ReportFolder> folders = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            folders.add(read(locate(given.get(i), "REPORT " + (i + 1))));
        }
        List<Path> files;
        Path dir = out;
        try {
            if (dir == null) {
                dir = SideBySidePage.createFolder(reports, "compare", Clock.systemUTC().instant());
            }
            Files.createDirectories(dir);
            files = CompareMany.write(folders, dir);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot write the comparison into " + (dir != null ? dir : reports) + ": " + e.getMessage(), e);
        }
        for (ReportFolder f : folders) {
            System.out.printf(Locale.ROOT, "%s: %d/%d passed (%s)%s%n", f.runId(), f.passed(), f.n(),
                    f.passRate() == null ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * f.passRate()),
                    f.e2e() == null ? "" : String.format(Locale.ROOT, ", E2E p50 %.1f ms, p95 %.1f ms (N=%d)", f.e2e().p50(), f.e2e().p95(), f.e2e().n()));
        }
        files.forEach(f -> System.out.println("Wrote " + f.toAbsolutePath()));
        return ExitCode.OK;
    }

    /** A folder as given, else a run id under --reports: a path wins, so that ./x and reports/x are never confused. */
    private Path locate(String given, String what) {
        Path asGiven = Path.of(given);
        if (Files.isDirectory(asGiven)) {
            return asGiven;
        }
        Path underReports = reports.resolve(given);
        if (Files.isDirectory(underReports)) {
            return underReports;
        }
        throw new CliException(ExitCode.USAGE, what + " " + given + ": no such report folder, nor " + underReports);
    }

    private static ReportFolder read(Path dir) {
        try {
            return ReportFolder.read(dir);
        } catch (UnreadableReportException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** {@code 0.02} or {@code 2%}: both mean two hundredths, as in suite files. */
    static final class FractionConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String text = value.trim();
            boolean percent = text.endsWith("%");
            try {
                BigDecimal number = new BigDecimal(percent ? text.substring(0, text.length() - 1).trim() : text);
                double fraction = (percent ? number.movePointLeft(2) : number).doubleValue();
                if (fraction < 0) {
                    throw new CommandLine.TypeConversionException("must not be negative, got '" + value + "'");
                }
                return fraction;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("must be a fraction such as 0.2 or a percentage such as 20%, got '" + value + "'");
            }
        }
    }
}
