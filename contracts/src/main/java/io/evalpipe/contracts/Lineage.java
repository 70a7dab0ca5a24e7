package io.evalpipe.contracts;

/**
 * Where a result came from, so that two reports can be compared knowing what differed.
 *
 * @param engine      {@code llamacpp} (in-process) or {@code openai} (an OpenAI-compatible server)
 * @param backend     what ran the maths: {@code cpu}, {@code cuda}, or the server's name
 * @param build       the engine's version, e.g. {@code de.kherud:llama 4.2.0 (llama.cpp b4916)};
 *                    null where the engine cannot say (a remote server)
 * @param threads     inference threads, 0 where unknown
 * @param slots       generations the engine serves at once
 * @param modelSha256 of the model file the worker loaded; null where the engine is remote
 * @param modelLoadMs how long loading the model took, at worker start
 */
public record Lineage(String engine, String backend, String build, int threads, int slots, String modelSha256, long modelLoadMs) {}
