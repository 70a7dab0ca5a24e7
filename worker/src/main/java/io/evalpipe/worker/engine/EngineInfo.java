package io.evalpipe.worker.engine;

import io.evalpipe.contracts.Lineage;

/**
 * What an engine is, for each result's lineage.
 *
 * @param engine  {@code llamacpp} or {@code openai}
 * @param backend what runs the maths, e.g. {@code cpu} or {@code cuda}
 * @param build   the engine's version, e.g. {@code de.kherud:llama 4.2.0 (llama.cpp b4916)}; null where unknown
 * @param threads inference threads, 0 where not known
 * @param contextSize tokens of context per slot, 0 where not known (a remote server)
 */
public record EngineInfo(String engine, String backend, String build, int threads, long modelLoadMillis, int contextSize) {

    /** An engine whose context size is not known here. */
    public EngineInfo(String engine, String backend, String build, int threads, long modelLoadMillis) {
        this(engine, backend, build, threads, modelLoadMillis, 0);
    }

    /** The lineage every result of a worker on this engine carries. */
    public Lineage lineage(int slots, String modelSha256) {
        return new Lineage(engine, backend, build, threads, slots, modelSha256, modelLoadMillis);
    }
}
