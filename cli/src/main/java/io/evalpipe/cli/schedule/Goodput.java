package io.evalpipe.cli.schedule;

import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.Slo;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The share of a run's results that pass and meet the suite's SLO, read from its results.csv. Each
 * report has its own run's goodput already; this judges the baseline and the candidate by the same
 * (the suite's current) SLO, which the baseline may not have been run with.
 *
 * @param good results with status pass whose e2e_ms and ttft_ms are within the SLO
 * @param n    results in the file
 */
record Goodput(int good, int n) {

    static Goodput of(Path reportDir, Slo slo) throws IOException {
        int good = 0;
        int n = 0;
        try (Reader in = Files.newBufferedReader(reportDir.resolve(ReportWriter.RESULTS_CSV))) {
            for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                n++;
                if ("pass".equals(row.get("status")) && slo.isMetBy(millis(row.get("e2e_ms")), millis(row.get("ttft_ms")))) {
                    good++;
                }
            }
        }
        return new Goodput(good, n);
    }

    private static Double millis(String cell) {
        return cell == null || cell.isBlank() ? null : Double.valueOf(cell);
    }

    double rate() {
        return n == 0 ? 0 : (double) good / n;
    }
}
