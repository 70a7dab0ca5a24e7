package io.evalpipe.report.compare;

import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.report.Fixtures;
import io.evalpipe.report.ReportWriter;
import java.nio.file.Path;

/**
 * Two runs of different models, written by the real {@link ReportWriter}, with figures chosen so that
 * every cell of a side-by-side table can be stated exactly. Shared with the sweep's tests through
 * the report test-jar.
 */
public final class SideBySideFixtures {

    /** 5.0 MiB. */
    public static final ModelInfo MODEL_A = new ModelInfo("a-q4.gguf", "a".repeat(64), 5_242_880L, false);
    /** 200.0 MiB, with a name that Markdown and HTML must escape. */
    public static final ModelInfo MODEL_B = new ModelInfo("b|<i>.gguf", "b".repeat(64), 209_715_200L, false);

    private SideBySideFixtures() {}

    public static Lineage lineage(long loadMs) {
        return new Lineage("llamacpp", "cpu", "de.kherud:llama 4.2.0 (llama.cpp b4916)", 1, 1, "0".repeat(64), loadMs);
    }

    /**
     * run-a: 4 prompts on {@link #MODEL_A}, loaded in 120 ms; P3 fails schema validation. TTFT 50, 100,
     * 150, 200 ms, each E2E 200 ms later, with 20, 40, 60, 80 completion tokens: decode 100, 200, 300,
     * 400 tok/s. So: 3/4, TTFT p50 125.0, E2E p50 325.0, p95 392.5 (of 4: †), max 400.0, decode p50
     * 250.0, mean completion tokens 50.0.
     */
    public static Path runA(Path root) {
        String id = "run-a";
        double[] ttft = {50, 100, 150, 200};
        EvalResult[] results = new EvalResult[4];
        for (int i = 0; i < 4; i++) {
            Fixtures.ResultBuilder r = Fixtures.result(id, CompareFixtures.promptId(i)).ttftMs(ttft[i]).e2eMs(ttft[i] + 200)
                    .tokens(40, 20 * (i + 1)).lineage(lineage(120));
            if (i == 2) {
                r.fail(FailureReason.SCHEMA_VIOLATION, "/reply: required: reply is missing");
            }
            results[i] = r.build();
        }
        return write(root, id, MODEL_A, results);
    }

    /**
     * run-b: 2 prompts on {@link #MODEL_B}, both pass, on two workers that loaded it in 900 and 1500 ms.
     * TTFT 100 and 300 ms, E2E 600 and 1000 ms, 40 and 70 completion tokens: decode 80 and 100 tok/s. So:
     * 2/2, load 1500, TTFT p50 200.0, E2E p50 800.0, p95 980.0 (†), max 1000.0, decode p50 90.0, mean
     * completion tokens 55.0.
     */
    public static Path runB(Path root) {
        String id = "run-b";
        EvalResult first = Fixtures.result(id, "P01").ttftMs(100.0).e2eMs(600.0).tokens(40, 40).workerId("w-1")
                .lineage(lineage(900)).build();
        EvalResult second = Fixtures.result(id, "P02").ttftMs(300.0).e2eMs(1000.0).tokens(40, 70).workerId("w-2")
                .lineage(lineage(1500)).build();
        return write(root, id, MODEL_B, first, second);
    }

    private static Path write(Path root, String runId, ModelInfo model, EvalResult... results) {
        String[] ids = new String[results.length];
        for (int i = 0; i < results.length; i++) {
            ids[i] = results[i].promptId();
        }
        new ReportWriter().write(Fixtures.report(Fixtures.manifest(runId).suite("models").model(model).prompts(ids).build(), results),
                root);
        return root.resolve(runId);
    }
}
