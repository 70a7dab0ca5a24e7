package io.evalpipe.worker.engine;

/**
 * @param engine  {@code llamacpp} or {@code openai}
 * @param backend what runs the maths, e.g. {@code cpu} or {@code cuda}
 * @param threads inference threads, 0 where not known
 */
public record EngineInfo(String engine, String backend, int threads, long modelLoadMillis) {}
