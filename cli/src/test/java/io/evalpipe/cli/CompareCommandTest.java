package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.report.compare.CompareFixtures;
import io.evalpipe.report.compare.SideBySideFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CompareCommandTest {

    @TempDir
    Path reports;

    record Outcome(int code, String out, String err) {}

    /** Runs `evalctl compare ARGS`, capturing what it prints. */
    static Outcome compare(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            List<String> line = new ArrayList<>(List.of("compare"));
            line.addAll(List.of(args));
            int code = EvalCtl.execute(new PrintWriter(err, true), line.toArray(String[]::new));
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    static Document junit(Path dir) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("compare-junit.xml").toFile());
    }

    static List<Element> testCases(Document doc) {
        NodeList nodes = doc.getElementsByTagName("testcase");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void shouldExitOneAndFailBothGatesOnARealRegression() throws Exception {
        double[] fast = CompareFixtures.tight(100, 20);
        Path base = CompareFixtures.run(reports, "base", 18, fast);
        Path cand = CompareFixtures.run(reports, "cand", 8, CompareFixtures.times(fast, 3));

        Outcome o = compare(base.toString(), cand.toString());

        assertThat(o.code()).as("stderr: %s", o.err()).isEqualTo(ExitCode.GATE_FAILED);
        assertThat(o.out()).contains("regression: pass_rate, e2e_p95").contains("-50.0 points, 95% CI [-69.5, -20.7]");
        assertThat(Files.readString(cand.resolve("compare.md"))).contains("**FAIL: regression**");
        List<Element> cases = testCases(junit(cand));
        assertThat(cases).extracting(c -> c.getAttribute("name")).containsExactly("pass_rate", "e2e_p95");
        assertThat(cases).allSatisfy(c -> assertThat(c.getElementsByTagName("failure").getLength()).isEqualTo(1));
    }

    @Test
    void shouldExitZeroAndCallANoisyDifferenceInconclusive() throws Exception {
        double[] spread = CompareFixtures.wide(100, 20);
        Path base = CompareFixtures.run(reports, "base", 17, spread);
        Path cand = CompareFixtures.run(reports, "cand", 16, CompareFixtures.times(spread, 1.05));

        Outcome o = compare(base.toString(), cand.toString());

        assertThat(o.code()).as("stderr: %s", o.err()).isEqualTo(ExitCode.OK);
        assertThat(o.out()).contains("no regression shown; inconclusive (within noise): pass_rate")
                .contains("gate e2e_p95: no regression");
        assertThat(Files.readString(cand.resolve("compare.md"))).contains("inconclusive (within noise)")
                .contains("not distinguishable from noise");
        assertThat(testCases(junit(cand))).allSatisfy(c -> assertThat(c.getElementsByTagName("failure").getLength()).isZero());
    }

    @Test
    void shouldListPromptsThatWentFromPassToFailAndBack() throws Exception {
        double[] e2e = CompareFixtures.tight(100, 4);
        Path base = CompareFixtures.run(reports, "base", new boolean[] {true, true, false, false}, e2e);
        Path cand = CompareFixtures.run(reports, "cand", new boolean[] {true, false, true, false}, e2e);

        Outcome o = compare(base.toString(), cand.toString());

        assertThat(o.out()).contains("pass -> not pass: 1 (P02); not pass -> pass: 1 (P03)");
        String md = Files.readString(cand.resolve("compare.md"));
        assertThat(md).contains("## Pass → not pass (1)\n\n| Prompt | Baseline | Candidate |\n|---|---|---|\n| P02 | pass | fail (schema_violation) |");
        assertThat(md).contains("## Not pass → pass (1)\n\n| Prompt | Baseline | Candidate |\n|---|---|---|\n| P03 | fail (schema_violation) | pass |");
    }

    @Test
    void shouldFindRunsByIdUnderReportsAndWriteIntoOut() throws Exception {
        double[] e2e = CompareFixtures.tight(100, 4);
        CompareFixtures.run(reports, "base", 4, e2e);
        CompareFixtures.run(reports, "cand", 4, e2e);
        Path out = reports.resolve("ci/out");

        Outcome o = compare("base", "cand", "--reports", reports.toString(), "--out", out.toString(),
                "--max-pass-rate-drop", "5%", "--max-p95-increase", "0.1");

        assertThat(o.code()).as("stderr: %s", o.err()).isEqualTo(ExitCode.OK);
        assertThat(out.resolve("compare.md")).exists();
        assertThat(reports.resolve("cand/compare.md")).doesNotExist();
        Element suite = (Element) junit(out).getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(Files.readString(out.resolve("compare.md"))).contains("below -5 points").contains("×1.10 (+10%)");
    }

    @Test
    void shouldExitTwoForAMissingRun() {
        CompareFixtures.run(reports, "base", 1, CompareFixtures.tight(100, 2));

        Outcome o = compare("base", "nope", "--reports", reports.toString());

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.err()).contains("CANDIDATE nope: no such report folder");
    }

    @Test
    void shouldExitTwoForAnUnreadableSummary() throws Exception {
        Path base = CompareFixtures.run(reports, "base", 1, CompareFixtures.tight(100, 2));
        Path cand = CompareFixtures.run(reports, "cand", 1, CompareFixtures.tight(100, 2));
        Files.writeString(cand.resolve("summary.json"), "not json");

        Outcome o = compare(base.toString(), cand.toString());

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.err()).contains("cannot read").contains("summary.json");
    }

    @Test
    void shouldExitTwoForABadThreshold() {
        Outcome o = compare("a", "b", "--max-p95-increase", "lots");

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.err()).contains("must be a fraction such as 0.2 or a percentage such as 20%");
    }

    @Test
    void shouldSetMoreThanTwoReportsSideBySideWithoutGates() throws Exception {
        Path a = SideBySideFixtures.runA(reports);
        Path b = SideBySideFixtures.runB(reports);
        CompareFixtures.run(reports, "run-c", 1, CompareFixtures.tight(100, 2));
        Path out = reports.resolve("three");

        Outcome o = compare(a.toString(), b.toString(), "run-c", "--reports", reports.toString(), "--out", out.toString());

        assertThat(o.code()).as("stderr: %s", o.err()).isEqualTo(ExitCode.OK);
        assertThat(o.out()).contains("run-a: 3/4 passed (75.0%), E2E p50 325.0 ms, p95 392.5 ms (N=4)")
                .contains("run-c: 1/2 passed (50.0%)").contains("Wrote " + out.resolve("compare.html").toAbsolutePath());
        String md = Files.readString(out.resolve("compare.md"));
        assertThat(md).contains("| 1 | run-a | a-q4.gguf | 5.0 | 120 | — | 4 | 3 | 75.0% | [30.1%, 95.4%] |")
                .contains("| 2 | run-b | b\\|&lt;i>.gguf | 200.0 | 1500 | — | 2 | 2 | 100.0% |")
                .contains("| 3 | run-c |");
        assertThat(Files.readString(out.resolve("compare.html"))).contains("<svg ");
        assertThat(out.resolve("compare-junit.xml")).doesNotExist();
        assertThat(reports.resolve("run-c/compare.md")).as("no run's own folder is written into").doesNotExist();
    }

    @Test
    void shouldWriteASideBySideComparisonIntoAFolderOfItsOwnUnderReports() throws Exception {
        for (String id : List.of("r1", "r2", "r3")) {
            CompareFixtures.run(reports, id, 1, CompareFixtures.tight(100, 2));
        }

        Outcome o = compare("r1", "r2", "r3", "--reports", reports.toString());

        assertThat(o.code()).as("stderr: %s", o.err()).isEqualTo(ExitCode.OK);
        try (var dirs = Files.list(reports)) {
            List<Path> written = dirs.filter(d -> d.getFileName().toString().startsWith("compare-")).toList();
            assertThat(written).hasSize(1);
            assertThat(written.get(0).resolve("compare.md")).content().startsWith("# Comparison of 3 runs");
        }
    }

    @Test
    void shouldRefuseAGateForMoreThanTwoReports() {
        for (String id : List.of("r1", "r2", "r3")) {
            CompareFixtures.run(reports, id, 1, CompareFixtures.tight(100, 2));
        }

        Outcome o = compare("r1", "r2", "r3", "--reports", reports.toString(), "--max-p95-increase", "10%");

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.err().strip()).isEqualTo("evalctl: --max-p95-increase gates a comparison of two reports; with 3 there are no gates:"
                + " compare BASELINE CANDIDATE for one");
    }

    @Test
    void shouldExitTwoForASingleReport() {
        Outcome o = compare("only");

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
    }
}
