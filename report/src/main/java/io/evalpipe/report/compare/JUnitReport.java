package io.evalpipe.report.compare;

import java.io.StringWriter;
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
 * compare-junit.xml: one test case per gate, with a {@code <failure>} when the gate failed, so
 * that a CI system (Jenkins, GitLab, GitHub test reporters) shows a regression as a failed test.
 * Built with the JDK's DOM, which escapes every text: run ids and findings can hold any character.
 */
public final class JUnitReport {

    static final String SUITE_CLASS = "evalctl.compare";

    private JUnitReport() {}

    public static String render(Comparison c) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            long failures = c.gates().stream().filter(GateResult::failed).count();
            Element suites = doc.createElement("testsuites");
            suites.setAttribute("name", "evalctl compare");
            suites.setAttribute("tests", String.valueOf(c.gates().size()));
            suites.setAttribute("failures", String.valueOf(failures));
            suites.setAttribute("errors", "0");
            doc.appendChild(suites);
            Element suite = doc.createElement("testsuite");
            suite.setAttribute("name", c.candidate().runId() + " vs " + c.baseline().runId());
            suite.setAttribute("tests", String.valueOf(c.gates().size()));
            suite.setAttribute("failures", String.valueOf(failures));
            suite.setAttribute("errors", "0");
            suite.setAttribute("skipped", "0");
            suite.setAttribute("time", "0");
            suites.appendChild(suite);
            Element properties = doc.createElement("properties");
            property(doc, properties, "baseline", c.baseline().runId());
            property(doc, properties, "candidate", c.candidate().runId());
            property(doc, properties, "max_pass_rate_drop", String.valueOf(c.thresholds().maxPassRateDrop()));
            property(doc, properties, "max_p95_increase", String.valueOf(c.thresholds().maxP95Increase()));
            suite.appendChild(properties);
            for (GateResult g : c.gates()) {
                suite.appendChild(testCase(doc, g));
            }
            return serialize(doc);
        } catch (ParserConfigurationException | TransformerException e) {
            // The JDK's own XML implementation is always there; this cannot happen short of a broken JDK.
            throw new IllegalStateException("cannot build the JUnit XML: " + e.getMessage(), e);
        }
    }

    private static Element testCase(Document doc, GateResult g) {
        Element testCase = doc.createElement("testcase");
        testCase.setAttribute("classname", SUITE_CLASS);
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
