package io.evalpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.report.AtomicFiles;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.report.compare.GateResult;
import io.evalpipe.report.compare.JUnitReport;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.RunGates;
import io.evalpipe.report.compare.UnreadableReportException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished run judged by its gates, read back from its report folder so that the gates quote the
 * figures the report shows; and the run's outcome as `--json` prints it.
 */
record RunOutcome(Path reportDir, ReportFolder report, List<GateResult> gates) {
    static final String JUNIT_FILE = "gates-junit.xml";

    /** Reads the report and judges it; with gates, writes gates-junit.xml beside it. */
    static RunOutcome judge(Path reportDir, RunGates gates) {
        ReportFolder report;
        try {
            report = ReportFolder.read(reportDir);
        } catch (UnreadableReportException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot read the run's own report: " + e.getMessage(), e);
        }
        List<GateResult> results = gates.evaluate(report);
        if (!results.isEmpty()) {
            try {
                AtomicFiles.write(reportDir.resolve(JUNIT_FILE), out -> out.write(JUnitReport.render(report.runId(), results)));
            } catch (IOException e) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "cannot write " + reportDir.resolve(JUNIT_FILE) + ": " + e.getMessage(), e);
            }
        }
        return new RunOutcome(reportDir, report, results);
    }

    boolean failed() {
        return gates.stream().anyMatch(GateResult::failed);
    }

    /** One line per failed gate, the finding with its interval: what a CI log should show. */
    void printFailures(PrintStream err) {
        gates.stream().filter(GateResult::failed)
                .forEach(g -> err.println("evalctl: gate " + g.name() + " failed (" + g.verdict().label() + "): " + g.finding()));
    }

    /** The gates in a line each, passed or not, for the summary a person reads. */
    void printGates(PrintStream out) {
        if (!gates.isEmpty()) {
            long failed = gates.stream().filter(GateResult::failed).count();
            out.println("Gates: " + (gates.size() - failed) + " of " + gates.size() + " passed; " + reportDir.resolve(JUNIT_FILE));
        }
    }

    /** summary.json as the report wrote it, with the report's folder and the gates' results added. */
    JsonNode json() {
        ObjectNode root;
        try {
            root = (ObjectNode) Json.WIRE.readTree(Files.readString(reportDir.resolve(ReportWriter.SUMMARY_JSON)));
        } catch (IOException | ClassCastException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot read " + reportDir.resolve(ReportWriter.SUMMARY_JSON) + ": " + e.getMessage(), e);
        }
        root.put("report_dir", reportDir.toString());
        ArrayNode array = root.putArray("gates");
        for (GateResult g : gates) {
            array.addObject().put("name", g.name()).put("passed", !g.failed()).put("verdict", g.verdict().label())
                    .put("finding", g.finding()).put("rule", g.rule());
        }
        root.put("gates_passed", !failed());
        return root;
    }

    int exitCode() {
        return failed() ? ExitCode.GATE_FAILED : ExitCode.OK;
    }
}
