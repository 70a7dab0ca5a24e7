package io.evalpipe.report;

import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.EvalResult;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * results.csv: one row per result received, in manifest order. Prompts without a result are not
 * rows (they are listed in summary.json and report.md), so that every row is a measurement.
 *
 * <p>The {@code cached_prompt_tokens}, {@code evaluated_prompt_tokens}, {@code engine_prefill_ms}
 * and {@code engine_decode_ms} columns are the engine's own account (llama-server's {@code timings}:
 * how much of the prompt its cache served, and its own prefill and decode time); they are empty for
 * engines that do not report one.
 *
 * <p>{@code model_load_ms} is the lineage's: how long the worker that produced the row took to load
 * its model (empty for a rejected job, which has no lineage). It is here, per row, because a report
 * may hold several workers' results, and a table that sets models side by side reads it back.
 */
final class CsvReport {

    static final String[] HEADER = {
        "prompt_id", "status", "failure_reason", "e2e_ms", "ttft_ms", "tpot_ms", "queue_wait_ms",
        "prompt_tokens", "completion_tokens", "finish_reason", "worker_id", "validation_errors", "notes",
        "started_at", "finished_at", "cached_prompt_tokens", "evaluated_prompt_tokens", "engine_prefill_ms",
        "engine_decode_ms", "model_load_ms", "output"
    };

    /** Joins a result's validation errors, or its notes, into one cell. */
    static final String LIST_SEPARATOR = " | ";

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader(HEADER).get();

    private CsvReport() {}

    static void write(RunReport report, Writer out) throws IOException {
        try (CSVPrinter csv = new CSVPrinter(out, FORMAT)) {
            for (EvalResult r : report.results()) {
                EngineTimings t = r.engineTimings();
                csv.printRecord(
                        text(r.promptId()),
                        r.status() == null ? "" : r.status().wireName(),
                        text(r.failureReason()),
                        number(r.e2eMs()),
                        number(r.ttftMs()),
                        number(r.tpotMs()),
                        number(r.queueWaitMs()),
                        r.promptTokens(),
                        r.completionTokens(),
                        text(r.finishReason()),
                        text(r.workerId()),
                        text(String.join(LIST_SEPARATOR, r.validationErrors())),
                        text(String.join(LIST_SEPARATOR, r.notes())),
                        instant(r.startedAt()),
                        instant(r.finishedAt()),
                        t == null ? "" : String.valueOf(t.cachedTokens()),
                        t == null ? "" : String.valueOf(t.promptTokens()),
                        t == null ? "" : number(t.promptMs()),
                        t == null ? "" : number(t.predictedMs()),
                        r.lineage() == null ? "" : String.valueOf(r.lineage().modelLoadMs()),
                        text(r.output()));
            }
        }
    }

    /**
     * A plain decimal with at most three decimals, the same in every locale: "1234.5", never
     * "1,234.5" nor "1.2345E3", so that any spreadsheet or script reads it as a number.
     */
    static String number(Double value) {
        if (value == null) {
            return "";
        }
        if (!Double.isFinite(value)) {
            return value.toString();
        }
        String plain = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return plain.equals("-0") ? "0" : plain;
    }

    /**
     * Text as a spreadsheet will not run it. Model output and validation messages are untrusted: a
     * cell starting with one of these characters is taken for a formula by Excel, LibreOffice and
     * Google Sheets (OWASP "CSV injection"), so it gets a leading apostrophe, which they display as
     * text. Numeric columns are never prefixed: a negative queue wait must stay a number.
     */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        boolean formulaLike = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
        return formulaLike ? "'" + value : value;
    }

    private static String instant(Instant value) {
        return value == null ? "" : value.toString();
    }
}
