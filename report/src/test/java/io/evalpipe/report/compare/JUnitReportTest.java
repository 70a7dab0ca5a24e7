package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitReportTest {

    @TempDir
    Path reports;

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldWriteOneTestCasePerGateWithAFailureForEachFailedGate() throws Exception {
        double[] fast = CompareFixtures.tight(100, 20);
        Path base = CompareFixtures.run(reports, "base", 18, fast);
        // Pass rate falls for real; latency stays the same.
        Path cand = CompareFixtures.run(reports, "cand", 8, fast);
        Comparison c = Comparison.of(ReportFolder.read(base), ReportFolder.read(cand), Thresholds.DEFAULTS);

        Document doc = parse(JUnitReport.render(c));

        NodeList cases = doc.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(2);
        Element passRate = (Element) cases.item(0);
        Element p95 = (Element) cases.item(1);
        assertThat(passRate.getAttribute("name")).isEqualTo("pass_rate");
        assertThat(passRate.getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(((Element) passRate.getElementsByTagName("failure").item(0)).getAttribute("message")).startsWith("regression: pass rate 40.0%");
        assertThat(p95.getAttribute("name")).isEqualTo("e2e_p95");
        assertThat(p95.getElementsByTagName("failure").getLength()).isZero();
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
    }

    @Test
    void shouldWriteARunsAbsoluteGatesAsTestCasesOfTheRun() throws Exception {
        ReportFolder run = ReportFolder.read(CompareFixtures.run(reports, "gated", 9, CompareFixtures.tight(100, 20)));
        List<GateResult> gates = new RunGates(0.5, null, null, 0).evaluate(run);

        Document doc = parse(JUnitReport.render("gated", gates));

        NodeList cases = doc.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(2);
        Element passRate = (Element) cases.item(0);
        assertThat(passRate.getAttribute("name")).isEqualTo(RunGates.MIN_PASS_RATE);
        assertThat(passRate.getAttribute("classname")).isEqualTo("evalctl.run");
        assertThat(((Element) passRate.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .isEqualTo("beyond the limit: " + gates.get(0).finding());
        assertThat(((Element) cases.item(1)).getElementsByTagName("failure").getLength()).isZero(); // no errors at all
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("gated");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
    }

    @Test
    void shouldWriteBothFilesIntoTheFolderGiven() throws Exception {
        double[] fast = CompareFixtures.tight(100, 4);
        Path base = CompareFixtures.run(reports, "base", 4, fast);
        Path cand = CompareFixtures.run(reports, "cand", 4, fast);
        Comparison c = Comparison.of(ReportFolder.read(base), ReportFolder.read(cand), Thresholds.DEFAULTS);

        List<Path> files = CompareOutput.write(c, reports.resolve("out/nested"));

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("compare.md", "compare-junit.xml");
        assertThat(parse(Files.readString(files.get(1))).getElementsByTagName("failure").getLength()).isZero();
        try (var listing = Files.list(reports.resolve("out/nested"))) {
            assertThat(listing).hasSize(2); // no temporary file left behind
        }
    }
}
