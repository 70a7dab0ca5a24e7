package io.evalpipe.report.compare;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Slo;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A finished run as its report folder states it: the figures of summary.json and the per-prompt
 * rows of results.csv. Read back from disk rather than recomputed, so that a comparison quotes
 * exactly the numbers each run's own report shows.
 *
 * @param passRate          passed / n; null when n is 0
 * @param passRateCi95      the Wilson interval summary.json states; null when n is 0
 * @param errors            results with status {@code error}
 * @param goodput           passes within the run's SLO, as summary.json states them
 * @param e2e               null when no result has an E2E latency
 * @param meanCompletionTokens over the latency population; null when it is empty
 * @param failuresByReason  as summary.json orders them: most frequent first
 * @param params            the run's parameters, by their snake_case names, as text
 * @param modelFigures      the model and serving figures a table for choosing a model needs, read in the same pass
 * @param rows              results.csv, in its order
 */
public record ReportFolder(
        Path dir,
        String runId,
        String suite,
        int n,
        int expected,
        int passed,
        Double passRate,
        Interval passRateCi95,
        int errors,
        Goodput goodput,
        Latency e2e,
        Double meanCompletionTokens,
        Map<String, Long> failuresByReason,
        String modelFile,
        String modelSha256,
        boolean syntheticModel,
        String promptSetSha256,
        Map<String, String> params,
        ModelFigures modelFigures,
        List<Row> rows) {

    /** E2E latency figures of summary.json, in milliseconds, with their bootstrap intervals. */
    public record Latency(int n, double p50, double p95, double max, Interval p50Ci95, Interval p95Ci95) {}

    /**
     * @param good    results that pass and meet the SLO (all passes without one)
     * @param ci95    the Wilson interval of good / n summary.json states; null when n is 0
     * @param sloSet  whether the run had an SLO; without one goodput equals the pass rate
     */
    public record Goodput(int good, Interval ci95, boolean sloSet) {}

    /** One line of results.csv. */
    public record Row(String promptId, String status, String failureReason, Double e2eMs, Double ttftMs, Integer completionTokens) {
        public boolean passed() {
            return "pass".equals(status);
        }
    }

    /**
     * Rows that pass and meet {@code slo}, by the rule of the report's own goodput ({@link Slo#isMetBy}):
     * for judging two runs by one SLO, which one of them may not have been run with.
     */
    public int goodUnder(Slo slo) {
        return (int) rows.stream().filter(r -> r.passed() && slo.isMetBy(r.e2eMs(), r.ttftMs())).count();
    }

    public ReportFolder {
        failuresByReason = Collections.unmodifiableMap(new LinkedHashMap<>(failuresByReason));
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        rows = List.copyOf(rows);
    }

    private static final Set<String> CSV_COLUMNS = Set.of("prompt_id", "status", "failure_reason", "e2e_ms", "ttft_ms",
            "completion_tokens");

    /**
     * @throws UnreadableReportException when the folder, summary.json or results.csv is missing or
     *                                    not what the aggregator writes, or when the two disagree
     *                                    on the number of results (a report caught mid-rewrite)
     */
    public static ReportFolder read(Path dir) throws UnreadableReportException {
        if (!Files.isDirectory(dir)) {
            throw new UnreadableReportException("no report folder " + dir);
        }
        JsonNode summary = readSummary(dir.resolve(ReportWriter.SUMMARY_JSON));
        Csv csv = readRows(dir.resolve(ReportWriter.RESULTS_CSV));
        try {
            ReportFolder folder = fromSummary(dir, summary, csv);
            if (folder.rows().size() != folder.n()) {
                throw new UnreadableReportException(dir + ": summary.json counts " + folder.n() + " results but results.csv has "
                        + folder.rows().size() + " rows (the report is being rewritten, or a file was edited)");
            }
            return folder;
        } catch (IllegalArgumentException e) {
            throw new UnreadableReportException(dir.resolve(ReportWriter.SUMMARY_JSON) + " is not a summary the aggregator writes: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode readSummary(Path file) throws UnreadableReportException {
        if (!Files.isRegularFile(file)) {
            throw new UnreadableReportException("no " + file + " (not a report folder, or its report is not written yet)");
        }
        try {
            JsonNode node = Json.WIRE.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new UnreadableReportException(file + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new UnreadableReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ReportFolder fromSummary(Path dir, JsonNode s, Csv csv) {
        int n = required(s, "n").asInt();
        int passed = required(s, "passed").asInt();
        Map<String, Long> reasons = new LinkedHashMap<>();
        s.path("failures_by_reason").properties().forEach(e -> reasons.put(e.getKey(), e.getValue().asLong()));
        Map<String, String> params = new TreeMap<>();
        s.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        JsonNode model = s.path("model");
        return new ReportFolder(
                dir,
                required(s, "run_id").asText(),
                textOrNull(s.get("suite")),
                n,
                s.path("expected").asInt(n),
                passed,
                n == 0 ? null : required(s, "pass_rate").asDouble(),
                interval(s.get("pass_rate_ci95")),
                s.path("errors").asInt(0),
                new Goodput(s.path("goodput_count").asInt(passed), interval(s.get("goodput_ci95")), s.path("slo").isObject()),
                latency(required(required(s, "latency_ms"), "e2e")),
                numberOrNull(s.path("tokens").get("mean_completion_tokens")),
                reasons,
                textOrNull(model.get("file_name")),
                textOrNull(model.get("sha256")),
                s.path("synthetic_model").asBoolean(false),
                textOrNull(s.get("prompt_set_sha256")),
                params,
                ModelFigures.of(s, csv.longestLoadMs()),
                csv.rows());
    }

    private static Latency latency(JsonNode e2e) {
        int n = required(e2e, "n").asInt();
        if (n == 0) {
            return null;
        }
        return new Latency(n, required(e2e, "p50").asDouble(), required(e2e, "p95").asDouble(), required(e2e, "max").asDouble(),
                interval(e2e.get("p50_ci95")), interval(e2e.get("p95_ci95")));
    }

    /** results.csv's rows, and the longest {@value ModelFigures#LOAD_COLUMN} (null where the column or every value is missing). */
    private record Csv(List<Row> rows, Long longestLoadMs) {}

    private static Csv readRows(Path file) throws UnreadableReportException {
        if (!Files.isRegularFile(file)) {
            throw new UnreadableReportException("no " + file);
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = format.parse(in)) {
            if (!csv.getHeaderNames().containsAll(CSV_COLUMNS)) {
                throw new UnreadableReportException(file + " lacks some of the columns " + CSV_COLUMNS);
            }
            boolean hasLoad = csv.getHeaderNames().contains(ModelFigures.LOAD_COLUMN);
            Long longestLoad = null;
            List<Row> rows = new ArrayList<>();
            for (CSVRecord r : csv) {
                String load = hasLoad ? r.get(ModelFigures.LOAD_COLUMN) : "";
                if (!load.isEmpty()) {
                    long ms = Long.parseLong(load);
                    longestLoad = longestLoad == null ? ms : Math.max(longestLoad, ms);
                }
                rows.add(new Row(unquote(r.get("prompt_id")), r.get("status"), emptyToNull(unquote(r.get("failure_reason"))),
                        r.get("e2e_ms").isEmpty() ? null : Double.valueOf(r.get("e2e_ms")),
                        r.get("ttft_ms").isEmpty() ? null : Double.valueOf(r.get("ttft_ms")),
                        r.get("completion_tokens").isEmpty() ? null : Integer.valueOf(r.get("completion_tokens"))));
            }
            return new Csv(rows, longestLoad);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new UnreadableReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Undoes the apostrophe results.csv puts before a cell a spreadsheet would run as a formula. */
    private static String unquote(String cell) {
        if (cell.length() >= 2 && cell.charAt(0) == '\'' && "=+-@\t\r".indexOf(cell.charAt(1)) >= 0) {
            return cell.substring(1);
        }
        return cell;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value;
    }

    private static Interval interval(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()) {
            throw new IllegalArgumentException("an interval must be [lo, hi], got " + node);
        }
        return new Interval(node.get(0).asDouble(), node.get(1).asDouble());
    }

    private static Double numberOrNull(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asDouble();
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
