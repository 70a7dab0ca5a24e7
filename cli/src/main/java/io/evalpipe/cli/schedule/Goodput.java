package io.evalpipe.cli.schedule;

import io.evalpipe.aggregator.report.ReportWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The share of a run's results that pass and meet the suite's SLO, read from its results.csv. The
 * aggregator is a shared service that does not know the suite's SLO, so this is counted here.
 *
 * @param good results with status pass whose e2e_ms and ttft_ms are within the SLO
 * @param n    results in the file
 */
record Goodput(int good, int n) {

    static Goodput of(Path reportDir, Suite.Slo slo) throws IOException {
        int good = 0;
        int n = 0;
        try (Reader in = Files.newBufferedReader(reportDir.resolve(ReportWriter.RESULTS_CSV))) {
            for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                n++;
                if ("pass".equals(row.get("status")) && within(row.get("e2e_ms"), slo.e2e()) && within(row.get("ttft_ms"), slo.ttft())) {
                    good++;
                }
            }
        }
        return new Goodput(good, n);
    }

    /** A missing timing does not meet its objective: it cannot be shown to have come in time. */
    private static boolean within(String ms, Duration limit) {
        if (limit == null) {
            return true;
        }
        if (ms == null || ms.isBlank()) {
            return false;
        }
        return Double.parseDouble(ms) <= limit.toMillis();
    }

    /** "E2E ≤ 15000 ms, TTFT ≤ 2000 ms" */
    static String describe(Suite.Slo slo) {
        List<String> parts = new ArrayList<>();
        if (slo.e2e() != null) {
            parts.add("E2E ≤ " + slo.e2e().toMillis() + " ms");
        }
        if (slo.ttft() != null) {
            parts.add("TTFT ≤ " + slo.ttft().toMillis() + " ms");
        }
        return String.join(", ", parts);
    }

    double rate() {
        return n == 0 ? 0 : (double) good / n;
    }
}
