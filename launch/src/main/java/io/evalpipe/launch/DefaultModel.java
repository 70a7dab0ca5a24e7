package io.evalpipe.launch;

import io.evalpipe.worker.engine.NativeLibrary;
import io.evalpipe.models.ModelFileException;
import io.evalpipe.models.SyntheticModel;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** The synthetic model `run` and the benchmarks use without --model, generated once into the evalpipe cache. */
public final class DefaultModel {
    private DefaultModel() {}

    /**
     * {@code <cache>/models/synthetic-<size>-seed42.gguf}, written first if it is not there yet.
     *
     * @throws CliException exit 2 with one line naming the folder and EVALPIPE_CACHE when the cache cannot be written
     */
    public static Path synthetic(SyntheticModel.Size size) {
        Path cache = NativeLibrary.cacheRoot(System.getenv());
        Path file = cache.resolve("models").resolve("synthetic-" + size.name().toLowerCase(Locale.ROOT) + "-seed42.gguf");
        try {
            return SyntheticModel.ensure(file, size, 42);
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCode.USAGE, "cannot write the default model into the evalpipe cache "
                    + file.getParent() + ": " + Preflight.reason(e.getCause()) + "; make it writable, or set EVALPIPE_CACHE to a writable folder", e);
        } catch (ModelFileException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }
}
