package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Recomputes a report's figures from its results.csv, independently of the production code, and
 * compares them with summary.json. The CSV rounds to 3 decimals (a microsecond), hence the tolerance.
 */
final class ReportChecks {
    private static final double CSV_ROUNDING = 0.001;

    private ReportChecks() {}

    static List<CSVRecord> readCsv(Path reportDir) throws Exception {
        try (Reader in = Files.newBufferedReader(reportDir.resolve("results.csv"))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    static JsonNode summary(Path reportDir) throws Exception {
        return new ObjectMapper().readTree(reportDir.resolve("summary.json").toFile());
    }

    static void assertSummaryMatchesCsv(Path reportDir, int expectedRows) throws Exception {
        List<CSVRecord> rows = readCsv(reportDir);
        JsonNode summary = summary(reportDir);
        assertThat(rows).hasSize(expectedRows);
        assertThat(rows.stream().map(r -> r.get("prompt_id")).distinct()).hasSize(expectedRows);

        long passed = rows.stream().filter(r -> r.get("status").equals("pass")).count();
        assertThat(summary.get("n").asInt()).isEqualTo(rows.size());
        assertThat(summary.get("passed").asLong()).isEqualTo(passed);
        assertThat(summary.get("pass_rate").asDouble()).isEqualTo((double) passed / rows.size());

        for (String metric : List.of("e2e", "ttft")) {
            double[] values = rows.stream().map(r -> r.get(metric + "_ms")).filter(s -> !s.isEmpty())
                    .mapToDouble(Double::parseDouble).sorted().toArray();
            JsonNode stats = summary.get("latency_ms").get(metric);
            assertThat(stats.get("n").asInt()).as(metric + " n").isEqualTo(values.length);
            if (values.length == 0) {
                continue;
            }
            assertThat(stats.get("mean").asDouble()).as(metric + " mean").isCloseTo(Arrays.stream(values).average().orElseThrow(), within(CSV_ROUNDING));
            assertThat(stats.get("min").asDouble()).as(metric + " min").isCloseTo(values[0], within(CSV_ROUNDING));
            assertThat(stats.get("max").asDouble()).as(metric + " max").isCloseTo(values[values.length - 1], within(CSV_ROUNDING));
            for (int p : new int[] {50, 90, 95, 99}) {
                assertThat(stats.get("p" + p).asDouble()).as(metric + " p" + p).isCloseTo(r7(values, p), within(CSV_ROUNDING));
            }
        }
    }

    /** R-7 (NumPy's default), written out again here so the test does not trust the code it checks. */
    static double r7(double[] sorted, double p) {
        double h = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    static List<String> column(List<CSVRecord> rows, String name) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(name)));
        return out;
    }
}
