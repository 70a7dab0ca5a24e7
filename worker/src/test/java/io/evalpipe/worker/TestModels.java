package io.evalpipe.worker;

import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.model.SyntheticModel;
import java.nio.file.Path;

/**
 * Model files and engines for tests, made on first use: no test needs a download. Shared with other
 * modules through the worker test-jar.
 */
public final class TestModels {

    /** The seed every test uses, so all modules test against the same bytes. */
    public static final long SEED = 42;

    private static LlamaCppEngine tinyEngine;

    private TestModels() {}

    /**
     * The TINY synthetic model (about 5 MB, written in well under a second), under the repository's
     * {@code target/test-models/} when the build says where the repository is (surefire and failsafe
     * set {@code evalpipe.root}), else under the temporary folder. Safe to call from parallel tests.
     */
    public static Path tiny() {
        return SyntheticModel.ensure(
                folder().resolve(SyntheticModel.defaultFileName(SyntheticModel.Size.TINY, SEED)),
                SyntheticModel.Size.TINY,
                SEED);
    }

    /**
     * One engine on {@link #tiny()} for the whole test JVM: 1 thread, 2 slots. Share it and never
     * close it. The binding does not reliably isolate two models in one process (a second one's
     * greedy replies changed after the first had served sampled requests), and closing does not
     * free one, so a test that loads its own engine makes every later test in the JVM suspect.
     */
    public static synchronized LlamaCppEngine tinyEngine() {
        if (tinyEngine == null) {
            tinyEngine = LlamaCppEngine.load(tiny(), LlamaCppOptions.defaults().withThreads(1).withParallel(2));
        }
        return tinyEngine;
    }

    /** Where test models are kept. */
    public static Path folder() {
        String root = System.getProperty("evalpipe.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root, "target", "test-models");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "evalpipe-test-models");
    }
}
