package io.evalpipe.cli;

import io.evalpipe.aggregator.report.ReportWriter;
import io.evalpipe.aggregator.report.RunReport;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** Finished runs' report folders for `compare` tests, written by the aggregator's real {@link ReportWriter}. */
final class CompareRuns {
    private static final Instant CREATED_AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final ModelInfo MODEL = new ModelInfo("model.gguf", "ab".repeat(32), 1000, false);

    private CompareRuns() {}

    static String promptId(int i) {
        return String.format(Locale.ROOT, "P%02d", i + 1);
    }

    /** A run whose first {@code passed} prompts pass, the rest fail schema validation. */
    static Path run(Path reports, String runId, int passed, double[] e2eMs) {
        boolean[] passes = new boolean[e2eMs.length];
        for (int i = 0; i < passed; i++) {
            passes[i] = true;
        }
        return run(reports, runId, passes, e2eMs);
    }

    static Path run(Path reports, String runId, boolean[] passes, double[] e2eMs) {
        List<String> ids = IntStream.range(0, e2eMs.length).mapToObj(CompareRuns::promptId).toList();
        RunManifest manifest = new RunManifest(Messages.SCHEMA_VERSION, runId, "compare-test", "cd".repeat(32), ids.size(), ids,
                GenerationParams.DEFAULTS, MODEL, "default", CREATED_AT, null);
        List<EvalResult> results = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            boolean pass = passes[i];
            Instant started = CREATED_AT.plusSeconds(i);
            results.add(new EvalResult(Messages.SCHEMA_VERSION, runId, ids.get(i), "w-1", pass ? ResultStatus.PASS : ResultStatus.FAIL,
                    pass ? null : "schema_violation", "{}", pass ? List.of() : List.of("/reply: required"), "stop", 40, 50 + i,
                    e2eMs[i] / 4, e2eMs[i], 1.0, 2.0, started, started.plusMillis((long) e2eMs[i]), List.of(), "default", null));
        }
        new ReportWriter().write(new RunReport(manifest, results, List.of(), true), reports);
        return reports.resolve(runId);
    }

    /** Latencies within 2% of each other. */
    static double[] tight(double ms, int n) {
        return IntStream.range(0, n).mapToDouble(i -> ms * (1 + 0.001 * i)).toArray();
    }

    /** Latencies over two orders of magnitude, as a real model's tail is. */
    static double[] wide(double ms, int n) {
        return IntStream.range(0, n).mapToDouble(i -> ms * Math.pow(1.25, i)).toArray();
    }

    static double[] times(double[] values, double factor) {
        return java.util.Arrays.stream(values).map(v -> v * factor).toArray();
    }
}
