package io.evalpipe.report.compare;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.Json;
import io.evalpipe.report.ReportWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * What a report says about its model and how fast it served, beside what {@link ReportFolder}
 * reads: the figures a table for choosing a model needs. Read from the same two files, kept apart
 * from ReportFolder so that the comparison's record does not grow with every table's columns.
 *
 * @param fileSizeBytes      summary.json's {@code model.size_bytes}; null where it is 0 or absent
 *                           (a remote server's model has no file here)
 * @param loadMs             results.csv's {@code model_load_ms}: the longest of the run's workers,
 *                           the time until the last of them could serve; null in a report written
 *                           before the column existed, or where no row has a lineage
 * @param ttftP50Ms          summary.json's {@code latency_ms.ttft.p50}; null without a TTFT
 * @param decodeTokensPerSecP50 summary.json's {@code tokens_per_s.p50} (per-result decode rate, see
 *                           its definition there); null where no result has one
 */
public record ModelFigures(Long fileSizeBytes, Long loadMs, Double ttftP50Ms, Double decodeTokensPerSecP50) {

    static final String LOAD_COLUMN = "model_load_ms";

    /** @throws UnreadableReportException when either file cannot be read (ReportFolder has read them once already) */
    public static ModelFigures read(ReportFolder folder) throws UnreadableReportException {
        Path summaryFile = folder.dir().resolve(ReportWriter.SUMMARY_JSON);
        JsonNode s;
        try {
            s = Json.WIRE.readTree(summaryFile.toFile());
        } catch (IOException e) {
            throw new UnreadableReportException("cannot read " + summaryFile + ": " + e.getMessage(), e);
        }
        JsonNode size = s.path("model").get("size_bytes");
        Long sizeBytes = size != null && size.isNumber() && size.asLong() > 0 ? size.asLong() : null;
        return new ModelFigures(sizeBytes, longestLoad(folder.dir().resolve(ReportWriter.RESULTS_CSV)),
                number(s.path("latency_ms").path("ttft").get("p50")), number(s.path("tokens_per_s").get("p50")));
    }

    private static Long longestLoad(Path csvFile) throws UnreadableReportException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Files.newBufferedReader(csvFile, StandardCharsets.UTF_8); CSVParser csv = format.parse(in)) {
            if (!csv.getHeaderNames().contains(LOAD_COLUMN)) {
                return null;
            }
            Long longest = null;
            for (CSVRecord r : csv) {
                String cell = r.get(LOAD_COLUMN);
                if (!cell.isEmpty()) {
                    long ms = Long.parseLong(cell);
                    longest = longest == null ? ms : Math.max(longest, ms);
                }
            }
            return longest;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new UnreadableReportException("cannot read " + csvFile + ": " + e.getMessage(), e);
        }
    }

    private static Double number(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asDouble();
    }
}
