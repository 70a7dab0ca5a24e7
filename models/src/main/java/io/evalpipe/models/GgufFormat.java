package io.evalpipe.models;

/** What the GGUF spec fixes for every file, shared by the reader ({@link GgufFile}) and the writer ({@link GgufWriter}). */
final class GgufFormat {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;
    /** The version this project writes; the reader takes 2 and 3. */
    static final int VERSION = 3;
    /** Alignment of tensor data unless {@code general.alignment} says otherwise. */
    static final int DEFAULT_ALIGNMENT = 32;

    private GgufFormat() {}

    /** {@code offset} rounded up to a multiple of {@code alignment}. */
    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
