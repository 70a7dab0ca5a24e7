package io.evalpipe.report.compare;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a report says about its model and how fast it served: the figures a table for choosing a
 * model needs. {@link ReportFolder#read} reads them in its one pass over summary.json and
 * results.csv ({@link ReportFolder#modelFigures()}); kept as a record of their own so that the
 * comparison's fields do not grow with every table's columns.
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

    /** From the summary.json and the longest load time that {@link ReportFolder#read} has in hand. */
    static ModelFigures of(JsonNode summary, Long longestLoadMs) {
        JsonNode size = summary.path("model").get("size_bytes");
        Long sizeBytes = size != null && size.isNumber() && size.asLong() > 0 ? size.asLong() : null;
        return new ModelFigures(sizeBytes, longestLoadMs,
                number(summary.path("latency_ms").path("ttft").get("p50")), number(summary.path("tokens_per_s").get("p50")));
    }

    private static Double number(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asDouble();
    }
}
