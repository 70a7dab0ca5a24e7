package io.evalpipe.report.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.report.Fixtures;
import io.evalpipe.report.ReportWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFiguresTest {

    @TempDir
    Path reports;

    @Test
    void shouldReadSizeLoadTimeTtftAndDecodeRateFromTheReport() throws Exception {
        ModelFigures a = ReportFolder.read(SideBySideFixtures.runA(reports)).modelFigures();
        ModelFigures b = ReportFolder.read(SideBySideFixtures.runB(reports)).modelFigures();

        assertThat(a).isEqualTo(new ModelFigures(5_242_880L, 120L, 125.0, 250.0));
        assertThat(b).as("the slowest worker's load").isEqualTo(new ModelFigures(209_715_200L, 1500L, 200.0, 90.0));
    }

    @Test
    void shouldWriteEachResultsModelLoadTimeIntoResultsCsv() throws Exception {
        var manifest = Fixtures.manifest("run-l", "p1", "p2");
        new ReportWriter().write(Fixtures.report(manifest, Fixtures.result("run-l", "p1").lineage(SideBySideFixtures.lineage(77)).build(),
                Fixtures.result("run-l", "p2").lineage(null).build()), reports);

        List<CSVRecord> rows = csv(reports.resolve("run-l/results.csv"));
        assertThat(rows).extracting(r -> r.get(ModelFigures.LOAD_COLUMN)).containsExactly("77", "");
        assertThat(ReportFolder.read(reports.resolve("run-l")).modelFigures().loadMs()).isEqualTo(77L);
    }

    @Test
    void shouldGiveNoLoadTimeForAReportWrittenBeforeTheColumn() throws Exception {
        Path dir = CompareFixtures.run(reports, "old", 2, CompareFixtures.tight(100, 2));
        dropLoadColumn(dir);

        assertThat(ReportFolder.read(dir).modelFigures().loadMs()).isNull();
    }

    /** results.csv as reports before model_load_ms have it. */
    static void dropLoadColumn(Path dir) throws Exception {
        Path file = dir.resolve("results.csv");
        List<String> header;
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(file); CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .get().parse(in)) {
            header = new ArrayList<>(p.getHeaderNames());
            rows = p.getRecords();
        }
        header.remove(ModelFigures.LOAD_COLUMN);
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get())) {
            for (CSVRecord r : rows) {
                printer.printRecord(header.stream().map(r::get).toList());
            }
        }
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    private static List<CSVRecord> csv(Path file) throws Exception {
        try (Reader in = Files.newBufferedReader(file); CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .get().parse(in)) {
            return p.getRecords();
        }
    }
}
