package io.evalpipe.report.compare;

import io.evalpipe.report.Fixtures;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.RunManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Report folders written by the real {@link ReportWriter}, so that the comparison is tested on
 * exactly the files the aggregator produces, never on a hand-written imitation of them.
 */
public final class CompareFixtures {

    private CompareFixtures() {}

    /** Prompt ids P01, P02, ...: sorted as they are numbered. */
    public static String promptId(int i) {
        return String.format(Locale.ROOT, "P%02d", i + 1);
    }

    /** A run whose first {@code passed} prompts pass and the rest fail schema validation. */
    public static Path run(Path root, String runId, int passed, double[] e2eMs) {
        boolean[] passes = new boolean[e2eMs.length];
        for (int i = 0; i < passed; i++) {
            passes[i] = true;
        }
        return run(root, runId, passes, e2eMs);
    }

    /** A run of {@code e2eMs.length} prompts; prompt i passes when {@code passes[i]}; tokens grow with E2E. */
    public static Path run(Path root, String runId, boolean[] passes, double[] e2eMs) {
        String[] ids = IntStream.range(0, e2eMs.length).mapToObj(CompareFixtures::promptId).toArray(String[]::new);
        RunManifest manifest = Fixtures.manifest(runId).suite("compare-test").prompts(ids).build();
        List<EvalResult> results = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            Fixtures.ResultBuilder r = Fixtures.result(runId, ids[i]).e2eMs(e2eMs[i]).ttftMs(e2eMs[i] / 4)
                    .tokens(40, 50 + i);
            if (!passes[i]) {
                r.fail(FailureReason.SCHEMA_VIOLATION, "/reply: required: reply is missing");
            }
            results.add(r.build());
        }
        new ReportWriter().write(Fixtures.report(manifest, results.toArray(EvalResult[]::new)), root);
        return root.resolve(runId);
    }

    /** Latencies within 2% of each other: a p95 that barely moves between resamples. */
    public static double[] tight(double ms, int n) {
        return IntStream.range(0, n).mapToDouble(i -> ms * (1 + 0.001 * i)).toArray();
    }

    /** Latencies spread over two orders of magnitude, as a real model's are: a p95 that moves a lot. */
    public static double[] wide(double ms, int n) {
        return IntStream.range(0, n).mapToDouble(i -> ms * Math.pow(1.25, i)).toArray();
    }

    public static double[] times(double[] values, double factor) {
        return java.util.Arrays.stream(values).map(v -> v * factor).toArray();
    }
}
