package io.evalpipe.models;

/**
 * Storage sizes of ggml tensor types, so that the reader can check a file holds every tensor's
 * bytes without knowing how to decode them. Quantized types are stored in blocks: {@code
 * blockSize} elements take {@code typeSize} bytes.
 */
final class GgmlType {
    static final int F32 = 0;
    static final int F16 = 1;

    // {id, elements per block, bytes per block}, from ggml.c's type_traits; ids 4 and 5 were
    // removed from ggml and are not listed.
    private static final int[][] SIZES = {
        {0, 1, 4}, // F32
        {1, 1, 2}, // F16
        {2, 32, 18}, // Q4_0
        {3, 32, 20}, // Q4_1
        {6, 32, 22}, // Q5_0
        {7, 32, 24}, // Q5_1
        {8, 32, 34}, // Q8_0
        {9, 32, 36}, // Q8_1
        {10, 256, 84}, // Q2_K
        {11, 256, 110}, // Q3_K
        {12, 256, 144}, // Q4_K
        {13, 256, 176}, // Q5_K
        {14, 256, 210}, // Q6_K
        {15, 256, 292}, // Q8_K
        {16, 256, 66}, // IQ2_XXS
        {17, 256, 74}, // IQ2_XS
        {18, 256, 98}, // IQ3_XXS
        {19, 256, 50}, // IQ1_S
        {20, 32, 18}, // IQ4_NL
        {21, 256, 110}, // IQ3_S
        {22, 256, 82}, // IQ2_S
        {23, 256, 136}, // IQ4_XS
        {24, 1, 1}, // I8
        {25, 1, 2}, // I16
        {26, 1, 4}, // I32
        {27, 1, 8}, // I64
        {28, 1, 8}, // F64
        {29, 256, 56}, // IQ1_M
        {30, 1, 2}, // BF16
        {31, 32, 18}, // Q4_0_4_4 (removed from ggml, still found in files)
        {32, 32, 18}, // Q4_0_4_8
        {33, 32, 18}, // Q4_0_8_8
        {34, 256, 54}, // TQ1_0
        {35, 256, 66}, // TQ2_0
        {36, 32, 18}, // IQ4_NL_4_4
        {37, 32, 18}, // IQ4_NL_4_8
        {38, 32, 18}, // IQ4_NL_8_8
        {39, 32, 17}, // MXFP4
    };

    private GgmlType() {}

    /**
     * Bytes the tensor's data takes, or -1 when the type is unknown to this table.
     *
     * @throws ArithmeticException when the size does not fit a long (a corrupt shape)
     */
    static long byteSize(int type, long elements) {
        for (int[] row : SIZES) {
            if (row[0] == type) {
                long blocks = (elements + row[1] - 1) / row[1];
                return Math.multiplyExact(blocks, (long) row[2]);
            }
        }
        return -1;
    }
}
