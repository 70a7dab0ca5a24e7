package io.evalpipe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * report.html's per-prompt viewer: a row per prompt, sorted by a click on a header, filtered by
 * status and reason, searched over ids and outputs, and a details panel per prompt (its messages,
 * raw output, validation errors and, where the result has them, assertions).
 *
 * <p>The page gets a static skeleton ({@code viewer.html}), the data as JSON in a {@code <script
 * type="application/json">} block, and {@code viewer.js}, which renders the data with {@code
 * textContent} only. The data is escaped by {@link Escape#jsonForScript}, so no string in it can
 * end the block; and the page's Content-Security-Policy admits {@code viewer.js} by its hash
 * ({@link #SCRIPT_SOURCE}), so even a script that got out would not run. The three files are
 * resources beside this class, so that they can be read (and linted) as what they are.
 */
final class ReportViewer {

    static final String DATA_ID = "viewer-data";

    /** The status of a row for a prompt of the manifest that has no result. */
    static final String MISSING = "missing";

    private static final String MARKUP = resource("viewer.html");
    private static final String STYLE = resource("viewer.css");
    private static final String SCRIPT = resource("viewer.js");

    /** The CSP source that lets exactly {@code viewer.js} run: the SHA-256 of the script element's text. */
    static final String SCRIPT_SOURCE = "'sha256-" + Base64.getEncoder().encodeToString(sha256(SCRIPT)) + "'";

    private ReportViewer() {}

    static String style() {
        return STYLE;
    }

    /** The viewer's section of the page: skeleton, data, script. */
    static String section(RunReport report, RunFigures f) {
        return MARKUP
                + "<script type=\"application/json\" id=\"" + DATA_ID + "\">" + Escape.jsonForScript(data(report, f))
                + "</script>\n<script>" + SCRIPT + "</script>\n";
    }

    /** Every result in manifest order, then every missing prompt; a snapshot link where one is written. */
    static ObjectNode data(RunReport report, RunFigures f) {
        Set<String> snapshotted = f.outliers().stream().map(o -> o.result().promptId()).collect(Collectors.toSet());
        ObjectNode data = Json.WIRE.createObjectNode();
        data.put("run_id", report.manifest().runId());
        ArrayNode prompts = data.putArray("prompts");
        for (EvalResult r : report.results()) {
            prompts.add(row(r, snapshotted.contains(r.promptId()) ? Snapshots.href(r.promptId()) : null));
        }
        for (String id : report.missing()) {
            prompts.addObject().put("id", id).put("status", MISSING);
        }
        return data;
    }

    /**
     * One prompt, as viewer.js reads it. Absent figures are null, so that the script can tell "none"
     * from zero; a list the result does not have is empty.
     */
    static ObjectNode row(EvalResult r, String snapshotHref) {
        ObjectNode p = Json.WIRE.createObjectNode();
        p.put("id", r.promptId());
        p.put("status", r.status() == null ? null : r.status().wireName());
        p.put("reason", r.failureReason());
        p.put("e2e_ms", r.e2eMs());
        p.put("ttft_ms", r.ttftMs());
        p.put("tpot_ms", r.tpotMs());
        p.put("queue_wait_ms", r.queueWaitMs());
        p.put("prompt_tokens", r.promptTokens());
        p.put("completion_tokens", r.completionTokens());
        p.put("finish_reason", r.finishReason());
        p.put("worker", r.workerId());
        p.put("pool", r.pool());
        p.put("snapshot", snapshotHref);
        p.set("messages", Json.WIRE.valueToTree(r.messages()));
        p.put("output", r.output());
        p.set("validation_errors", Json.WIRE.valueToTree(r.validationErrors()));
        p.set("notes", Json.WIRE.valueToTree(r.notes()));
        // Each assertion's label and whether it held; a failed one's expected and actual values are among validation_errors.
        p.set("assertions", Json.WIRE.valueToTree(r.assertions()));
        return p;
    }

    private static String resource(String name) {
        try (InputStream in = ReportViewer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the report module's resource " + name + " is missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Ours, not data; but a "</script" or "</style" in one would cut the page short unseen.
            String lower = text.toLowerCase(Locale.ROOT);
            if (!name.endsWith(".html") && (lower.contains("</script") || lower.contains("</style"))) {
                throw new IllegalStateException("the resource " + name + " would end its element early");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + name, e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
