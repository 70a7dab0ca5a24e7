package io.evalpipe.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a report.html the viewer's tests look at, cut out as a browser's parser would: a
 * script element's text runs to the first {@code </script}, whatever it holds.
 */
record ViewerPage(String html, String dataText, String script, String csp) {

    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"" + ReportViewer.DATA_ID + "\">(.*?)</script", Pattern.DOTALL);
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script", Pattern.DOTALL);
    private static final Pattern CSP = Pattern.compile("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"");

    static ViewerPage of(String html) {
        return new ViewerPage(html, group(DATA, html), group(SCRIPT, html), group(CSP, html));
    }

    /** The embedded data, read back as viewer.js's JSON.parse would read it. */
    JsonNode data() {
        try {
            return Json.WIRE.readTree(dataText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String group(Pattern p, String html) {
        Matcher m = p.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no match for " + p + " in the page");
        }
        return m.group(1);
    }
}
