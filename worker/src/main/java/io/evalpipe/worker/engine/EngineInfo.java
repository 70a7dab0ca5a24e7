package io.evalpipe.worker.engine;

import io.evalpipe.contracts.Lineage;

/**
 * What an engine is, for each result's lineage.
 *
 * @param engine  {@code llamacpp} or {@code openai}
 * @param backend what runs the maths, e.g. {@code cpu} or {@code cuda}
 * @param build   the engine's version, e.g. {@code de.kherud:llama 4.2.0 (llama.cpp b4916)}; null where unknown
 * @param threads inference threads, 0 where not known
 */
public record EngineInfo(String engine, String backend, String build, int threads, long modelLoadMillis) {

    /** The lineage every result of a worker on this engine carries. */
    public Lineage lineage(int slots, String modelSha256) {
        return new Lineage(engine, backend, build, threads, slots, modelSha256, modelLoadMillis);
    }
}
