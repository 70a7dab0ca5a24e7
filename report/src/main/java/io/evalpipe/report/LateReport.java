package io.evalpipe.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * What a report folder says about results that arrived after it was written: {@value #LATE_CSV}
 * lists them, summary.json counts them ({@code retried} includes the late duplicates; {@code
 * late_results} splits them by kind), and report.md and report.html end with a section saying so.
 * Every figure the report computed stays as it was announced.
 *
 * <p>Each call writes the whole state from {@code late}, never an increment, so writing the same
 * state again (an aggregator that restarts between the files and its commit) changes nothing.
 */
final class LateReport {
    static final String LATE_CSV = "late-results.csv";
    /** Where the late section of report.md and report.html begins; what follows it is rewritten on each call. */
    static final String MARKER = "<!-- evalpipe: results after this report -->";
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder()
            .setHeader("received_at", "prompt_id", "kind", "status", "worker_id").get();

    private LateReport() {}

    /**
     * @param retried every repeated result of the run, before and after the report
     */
    static void write(Path dir, int retried, LateResults late) throws IOException {
        AtomicFiles.write(dir.resolve(LATE_CSV), out -> {
            try (CSVPrinter csv = new CSVPrinter(out, CSV)) {
                for (LateResult r : late.listed()) {
                    csv.printRecord(r.receivedAt(), r.promptId(), r.kind().wireName(), nullToEmpty(r.status()), nullToEmpty(r.workerId()));
                }
            }
        });
        String sentence = sentence(retried, late);
        Path md = dir.resolve(ReportWriter.REPORT_MD);
        if (Files.exists(md)) {
            String head = before(Files.readString(md, StandardCharsets.UTF_8), MARKER);
            AtomicFiles.write(md, out -> out.write(head + MARKER + "\n## Results after this report\n\n" + sentence + "\n"));
        }
        Path html = dir.resolve(ReportWriter.REPORT_HTML);
        if (Files.exists(html)) {
            String head = before(before(Files.readString(html, StandardCharsets.UTF_8), MARKER), "</body></html>");
            AtomicFiles.write(html, out -> out.write(head + MARKER + "\n<h2>Results after this report</h2>\n<p>"
                    + Escape.html(sentence) + "</p>\n</body></html>\n"));
        }
        // Last, as ReportWriter does: once summary.json says so, the other files do.
        Path summary = dir.resolve(ReportWriter.SUMMARY_JSON);
        ObjectNode root = (ObjectNode) Json.WIRE.readTree(summary.toFile());
        root.put("retried", retried);
        ObjectNode counts = root.putObject("late_results");
        counts.put("duplicates", late.duplicates());
        counts.put("after_report", late.afterReport());
        counts.put("listed_in", LATE_CSV);
        AtomicFiles.write(summary, out -> Json.WIRE.writerWithDefaultPrettyPrinter().writeValue(out, root));
    }

    private static String sentence(int retried, LateResults late) {
        String s = late.count() + " result(s) arrived after this report was written: " + late.duplicates()
                + " repeated a prompt that already had a result (retried is now " + retried + "), " + late.afterReport()
                + " came for prompts this report counts as missing. None of them changes a figure above; " + LATE_CSV + " lists "
                + (late.listed().size() < late.count() ? "the first " + late.listed().size() : "them") + ".";
        return s;
    }

    private static String before(String text, String marker) {
        int at = text.lastIndexOf(marker);
        return at < 0 ? text : text.substring(0, at);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
