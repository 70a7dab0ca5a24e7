package io.evalpipe.worker;

import io.evalpipe.worker.model.SyntheticModel;
import java.nio.file.Path;

/**
 * Model files for tests, made on first use and kept: no test needs a download. Shared with other
 * modules through the worker test-jar.
 */
public final class TestModels {

    /** The seed every test uses, so all modules test against the same bytes. */
    public static final long SEED = 42;

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

    /** Where test models are kept. */
    public static Path folder() {
        String root = System.getProperty("evalpipe.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root, "target", "test-models");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "evalpipe-test-models");
    }
}
