package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html's viewer in a real browser: a report written by {@link ReportWriter} is opened in
 * headless Chromium with {@code #selftest}, which makes viewer.js work the page (every filter
 * option, a search, a sort both ways, a click on every row, the close button) and write one line per
 * check into {@code <pre id="selftest">}; {@code --dump-dom} hands the page back after it ran.
 *
 * <p>Skipped, saying so, where no Chromium is installed (Debian: {@code apt-get install chromium});
 * {@link ReportViewerTest} checks the page's structure and data everywhere. Set {@code CHROMIUM}
 * to use another binary. Each run leaves its lines in {@code target/viewer-selftest.txt};
 * {@code scripts/check-viewer.sh} runs this class alone and prints them.
 */
class ViewerBrowserTest {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/chromium-headless-shell", "/usr/bin/google-chrome", "/usr/bin/headless_shell");
    private static final String SELFTEST_START = "<pre id=\"selftest\">";
    private static final long TIMEOUT_S = 90;
    private static final Path LOG = Path.of("target", "viewer-selftest.txt");

    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        String configured = System.getenv("CHROMIUM");
        chromium = Stream.concat(Stream.ofNullable(configured), CANDIDATES.stream())
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "No Chromium found (CHROMIUM, " + CANDIDATES
                + "): the viewer is checked structurally only, by ReportViewerTest; apt-get install chromium to run it in a browser");
        try {
            Files.deleteIfExists(LOG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldFilterSortAndOpenDetailsInARealBrowser() throws Exception {
        Path reportDir = write(ReportViewerTest.hostileReport());

        String lines = selftest(reportDir.resolve(ReportWriter.REPORT_HTML));

        assertThat(lines).contains("ok - rows: 4 for 4 prompts, all shown",
                "ok - status filter, option 1 of 4: 1 of 4 rows shown, 1 expected",
                "ok - search for the last prompt id", "ok - sort by E2E, ascending, absent last: ascending",
                "ok - click on row 1: details shown", "ok - close hides the details panel",
                "ok - scripts in the page: 2; elements made from data: 0",
                "selftest: ");
        assertThat(lines).doesNotContain("not ok").endsWith(" passed, 0 failed");
    }

    @Test
    void shouldShowAnAssertionsArrayInTheDetailsPanel() throws Exception {
        Path html = write(ReportViewerTest.hostileReport()).resolve(ReportWriter.REPORT_HTML);
        // Results do not carry assertions yet: give p2 both shapes the script reads.
        ViewerPage page = ViewerPage.of(Files.readString(html, StandardCharsets.UTF_8));
        ObjectNode data = (ObjectNode) page.data();
        ArrayNode assertions = ((ObjectNode) data.get("prompts").get(1)).putArray("assertions");
        assertions.addObject().put("name", ReportViewerTest.BREAKOUT).put("passed", false).put("expected", 3).put("actual", "<b>2</b>");
        assertions.addObject().put("label", "/score min 1").put("held", true);
        Files.writeString(html, page.html().replace(page.dataText(), Escape.jsonForScript(data)), StandardCharsets.UTF_8);

        String lines = selftest(html);

        assertThat(lines).contains("details shown with 2 message(s), 6 validation error(s), 2 assertion(s)")
                .doesNotContain("not ok").endsWith(" passed, 0 failed");
    }

    /** Under {@code -Dviewer.out=DIR} (scripts/check-viewer.sh --out), the reports stay there to be looked at. */
    private Path write(RunReport report) throws IOException {
        String out = System.getProperty("viewer.out");
        Path root = out == null || out.isBlank() ? dir.resolve("reports") : Files.createTempDirectory(
                Files.createDirectories(Path.of(out).toAbsolutePath()), "viewer-");
        return Path.of(new ReportWriter().write(report, root).reportDir());
    }

    /** The self-test's lines, as the page wrote them; also left in target/viewer-selftest.txt. */
    private String selftest(Path html) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Path stderr = dir.resolve("chromium.err");
        // The flags the machine notes give for a closed network and root: no sandbox, no background calls home.
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", html.toUri() + "#selftest")
                .redirectError(stderr.toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + TIMEOUT_S + " s");
        }
        String page = new String(dom, StandardCharsets.UTF_8);
        // The last one: viewer.js, dumped as text before it, may name the element in a comment.
        int start = page.lastIndexOf(SELFTEST_START);
        int end = start < 0 ? -1 : page.indexOf("</pre>", start);
        if (end < 0) {
            throw new AssertionError("no " + SELFTEST_START + " in the page Chromium dumped (exit " + p.exitValue()
                    + "); its stderr ends: " + tail(stderr));
        }
        String found = page.substring(start + SELFTEST_START.length(), end);
        String lines = found.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        Files.createDirectories(LOG.getParent());
        Files.writeString(LOG, lines + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return lines;
    }

    private static String tail(Path file) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        return text.substring(Math.max(0, text.length() - 2000));
    }
}
