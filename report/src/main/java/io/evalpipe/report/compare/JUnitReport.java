package io.evalpipe.report.compare;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * compare-junit.xml and gates-junit.xml: one test case per gate, with a {@code <failure>} when the gate failed, so
 * that a CI system (Jenkins, GitLab, GitHub test reporters) shows a regression as a failed test.
 * Built with the JDK's DOM, which escapes every text: run ids and findings can hold any character.
 */
public final class JUnitReport {

    static final String SUITE_CLASS = "evalctl.compare";
    static final String RUN_SUITE_CLASS = "evalctl.run";

    private JUnitReport() {}

    /** compare-junit.xml: the gates of a candidate against its baseline. */
    public static String render(Comparison c) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("baseline", c.baseline().runId());
        properties.put("candidate", c.candidate().runId());
        properties.put("max_pass_rate_drop", String.valueOf(c.thresholds().maxPassRateDrop()));
        properties.put("max_p95_increase", String.valueOf(c.thresholds().maxP95Increase()));
        return render("evalctl compare", SUITE_CLASS, c.candidate().runId() + " vs " + c.baseline().runId(), properties, c.gates());
    }

    /** gates-junit.xml: one run's absolute gates ({@link RunGates}), for {@code evalctl run --min-pass-rate ...}. */
    public static String render(String runId, List<GateResult> gates) {
        return render("evalctl run", RUN_SUITE_CLASS, runId, Map.of("run_id", runId), gates);
    }

    private static String render(String tool, String className, String suiteName, Map<String, String> properties, List<GateResult> gates) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            long failures = gates.stream().filter(GateResult::failed).count();
            Element suites = doc.createElement("testsuites");
            suites.setAttribute("name", tool);
            suites.setAttribute("tests", String.valueOf(gates.size()));
            suites.setAttribute("failures", String.valueOf(failures));
            suites.setAttribute("errors", "0");
            doc.appendChild(suites);
            Element suite = doc.createElement("testsuite");
            suite.setAttribute("name", suiteName);
            suite.setAttribute("tests", String.valueOf(gates.size()));
            suite.setAttribute("failures", String.valueOf(failures));
            suite.setAttribute("errors", "0");
            suite.setAttribute("skipped", "0");
            suite.setAttribute("time", "0");
            suites.appendChild(suite);
            Element propertiesElement = doc.createElement("properties");
            properties.forEach((name, value) -> property(doc, propertiesElement, name, value));
            suite.appendChild(propertiesElement);
            for (GateResult g : gates) {
                suite.appendChild(testCase(doc, className, g));
            }
            return serialize(doc);
        } catch (ParserConfigurationException | TransformerException e) {
            // The JDK's own XML implementation is always there; this cannot happen short of a broken JDK.
            throw new IllegalStateException("cannot build the JUnit XML: " + e.getMessage(), e);
        }
    }

    private static Element testCase(Document doc, String className, GateResult g) {
        Element testCase = doc.createElement("testcase");
        testCase.setAttribute("classname", className);
        testCase.setAttribute("name", g.name());
        testCase.setAttribute("time", "0");
        if (g.failed()) {
            Element failure = doc.createElement("failure");
            failure.setAttribute("type", g.verdict().name().toLowerCase(java.util.Locale.ROOT));
            failure.setAttribute("message", g.verdict().label() + ": " + g.finding());
            failure.setTextContent(g.finding() + "\nRule: " + g.rule());
            testCase.appendChild(failure);
        }
        Element out = doc.createElement("system-out");
        out.setTextContent(g.verdict().label() + ": " + g.finding() + "\nRule: " + g.rule());
        testCase.appendChild(out);
        return testCase;
    }

    private static void property(Document doc, Element parent, String name, String value) {
        Element p = doc.createElement("property");
        p.setAttribute("name", name);
        p.setAttribute("value", value);
        parent.appendChild(p);
    }

    private static String serialize(Document doc) throws TransformerException {
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        t.setOutputProperty(OutputKeys.INDENT, "yes");
        t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        StringWriter out = new StringWriter();
        t.transform(new DOMSource(doc), new StreamResult(out));
        return out.toString();
    }
}
