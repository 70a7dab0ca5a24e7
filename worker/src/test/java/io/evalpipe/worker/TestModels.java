package io.evalpipe.worker;

import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.models.SyntheticModel;
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
            tinyEngine = LlamaCppEngine.load(tiny(), LlamaCppOptions.builder().threads(1).parallel(2).build());
        }
        return tinyEngine;
    }

    /** The TINY model of architecture qwen3, which only a current llama.cpp (llama-server) runs. */
    public static Path tinyQwen3() {
        var v = new SyntheticModel.Variant(SyntheticModel.Arch.QWEN3, true);
        return SyntheticModel.ensure(folder().resolve("evalpipe-synthetic-tiny-qwen3-seed" + SEED + ".gguf"),
                SyntheticModel.Size.TINY, SEED, v);
    }

    /** The TINY llama model with a vocabulary without byte-fallback tokens: non-ASCII text cannot be encoded. */
    public static Path tinyWithoutByteFallback() {
        var v = new SyntheticModel.Variant(SyntheticModel.Arch.LLAMA, false);
        return SyntheticModel.ensure(folder().resolve("evalpipe-synthetic-tiny-nobytes-seed" + SEED + ".gguf"),
                SyntheticModel.Size.TINY, SEED, v);
    }

    /**
     * {@code ../shared/llama.cpp} beside the repository: a real llama-server build and llama.cpp's
     * sources, on every development and CI machine (its README says how they were made).
     */
    public static Path sharedLlamaCpp() {
        return Path.of(System.getProperty("evalpipe.root", ".")).toAbsolutePath().normalize().resolve("../shared/llama.cpp").normalize();
    }

    /**
     * A real llama-server: {@code $EVALPIPE_LLAMA_SERVER}, else the one in {@link #sharedLlamaCpp()};
     * empty when neither is there, and the tests that need one are skipped.
     */
    public static java.util.Optional<Path> llamaServer() {
        String env = System.getenv("EVALPIPE_LLAMA_SERVER");
        Path p = env != null && !env.isBlank() ? Path.of(env) : sharedLlamaCpp().resolve("bin/llama-server");
        return java.nio.file.Files.isExecutable(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }

    /** Why a test that needs {@link #llamaServer()} was skipped. */
    public static final String NO_LLAMA_SERVER = "no llama-server: set EVALPIPE_LLAMA_SERVER or provide ../shared/llama.cpp/bin/llama-server";

    /** Where test models are kept. */
    public static Path folder() {
        String root = System.getProperty("evalpipe.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root, "target", "test-models");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "evalpipe-test-models");
    }
}
