package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Smoke test: the benchmarks parse, and one runs end to end. No timing is asserted: that is what the benchmarks print. */
class BenchCommandTest {
    static final Path ROOT = Path.of(System.getProperty("evalpipe.root", ".."));

    @Test
    void shouldParseEveryBenchmark() {
        String[][] lines = {
            {"bench", "overhead", "--size", "small", "--prompts", "p.jsonl", "--repeat", "3", "--max-tokens", "16", "--threads", "1"},
            {"bench", "batching", "--parallel", "1,2,4,8", "--sizes", "tiny,small", "--short-prompts"},
            {"bench", "scaleout", "--workers", "1,2,4,8", "--jobs", "400", "--latency", "100ms", "--partitions", "8"},
            {"bench", "aggregator", "--results", "100000", "--runs", "500", "--timeout", "30m"},
            {"bench", "startup", "--sizes", "tiny", "--repeat", "3"},
            {"bench", "engines", "--engines", "bundled,native,llama-server", "--size", "small", "--rounds", "3", "--threads", "1"},
        };
        for (String[] line : lines) {
            var parsed = new CommandLine(new EvalCtl()).parseArgs(line);
            assertThat(parsed.subcommand().subcommand().commandSpec().name()).isEqualTo(line[1]);
        }
    }

    @Test
    void shouldRejectAMalformedList() {
        StringWriter err = new StringWriter();
        int code = EvalCtl.execute(new PrintWriter(err, true), "bench", "scaleout", "--workers", "1,x");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--workers");
    }

    @Test
    void shouldPrintAScaleoutTableWithTheSimulatedEngine() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            // A short latency keeps the test quick; the figures themselves are not checked.
            code = EvalCtl.execute("bench", "scaleout", "--workers", "1,2", "--jobs", "20", "--latency", "10ms", "--repeat", "1",
                    "--schema", ROOT.resolve("schemas/interview_chat.schema.json").toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("simulated").contains("machine: ").contains("load average")
                .contains("figure").contains("median").contains("1 worker(s)").contains("2 worker(s)");
    }
}
