package io.evalpipe.contracts;

/**
 * The model a run was evaluated with, identified by content rather than by path, so that two
 * machines holding the same file under different names agree.
 *
 * @param synthetic true for the seeded random-weight model {@code evalctl model synth} writes:
 *                  its replies are meaningless and reports say so
 */
public record ModelInfo(String fileName, String sha256, long sizeBytes, boolean synthetic) {}
