package io.evalpipe.models;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a GGUF version 3 file: the format llama.cpp loads. It exists so that tests and benchmarks
 * can make a model on the spot instead of downloading gigabytes, so it writes only what such models
 * need: every metadata value type, and F32 or F16 tensors.
 *
 * <p>Tensor values are given as a function of the element index rather than as arrays, so a model
 * of a few hundred megabytes is streamed to disk without ever being held in memory.
 *
 * <p>Metadata keys and tensors are written in the order they were added, so the same calls give
 * the same bytes.
 */
public final class GgufWriter {


    /** The tensor storage types this writer can produce. */
    public enum TensorType {
        F32(GgmlType.F32, 4),
        F16(GgmlType.F16, 2);

        final int ggmlId;
        final int bytes;

        TensorType(int ggmlId, int bytes) {
            this.ggmlId = ggmlId;
            this.bytes = bytes;
        }
    }

    /** The value of a tensor's element at a flat index (ggml order: the first dimension varies fastest). */
    @FunctionalInterface
    public interface TensorValues {
        float at(long index);
    }

    private record Kv(GgufValueType type, Object value, GgufValueType elementType) {}

    private record PendingTensor(String name, TensorType type, long[] shape, TensorValues values) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        long bytes() {
            return elements() * type.bytes;
        }
    }

    private final Map<String, Kv> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GgufWriter putUint8(String key, int value) {
        return put(key, GgufValueType.UINT8, value);
    }

    public GgufWriter putInt8(String key, int value) {
        return put(key, GgufValueType.INT8, value);
    }

    public GgufWriter putUint16(String key, int value) {
        return put(key, GgufValueType.UINT16, value);
    }

    public GgufWriter putInt16(String key, int value) {
        return put(key, GgufValueType.INT16, value);
    }

    public GgufWriter putUint32(String key, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(key + ": " + value + " does not fit a uint32");
        }
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, value);
    }

    /** Written as the unsigned reading of {@code value}'s 64 bits. */
    public GgufWriter putUint64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putInt64(String key, long value) {
        return put(key, GgufValueType.INT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValueType.FLOAT64, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, Objects.requireNonNull(value, key));
    }

    public GgufWriter putStringArray(String key, List<String> values) {
        return putArray(key, GgufValueType.STRING, List.copyOf(values));
    }

    public GgufWriter putFloat32Array(String key, float[] values) {
        List<Object> boxed = new ArrayList<>(values.length);
        for (float v : values) {
            boxed.add(v);
        }
        return putArray(key, GgufValueType.FLOAT32, boxed);
    }

    public GgufWriter putInt32Array(String key, int[] values) {
        return putArray(key, GgufValueType.INT32, Arrays.stream(values).boxed().map(Object.class::cast).toList());
    }

    /**
     * An array of one scalar or string type. Elements are {@link Number}s for numeric types,
     * {@link Boolean} for BOOL and {@link String} for STRING; nested arrays are not supported.
     */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException(key + ": nested arrays are not supported");
        }
        checkKey(key);
        metadata.put(key, new Kv(GgufValueType.ARRAY, List.copyOf(values), elementType));
        return this;
    }

    /**
     * Adds a tensor. {@code shape} is in ggml order: {@code shape[0]} is the contiguous dimension,
     * so a matrix mapping n inputs to m outputs is {@code {n, m}}.
     */
    public GgufWriter addTensor(String name, TensorType type, long[] shape, TensorValues values) {
        Objects.requireNonNull(name, "name");
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException(name + ": ggml tensors have 1 to 4 dimensions, not " + shape.length);
        }
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(name + ": dimension " + d + " is not positive");
            }
        }
        for (PendingTensor t : tensors) {
            if (t.name.equals(name)) {
                throw new IllegalArgumentException("tensor " + name + " added twice");
            }
        }
        tensors.add(new PendingTensor(name, type, shape.clone(), Objects.requireNonNull(values, "values")));
        return this;
    }

    /** Writes the file at {@code out}, replacing it. Not atomic: write to a temporary name and move it if readers may look. */
    public void write(Path out) throws IOException {
        try (OutputStream os = Files.newOutputStream(out)) {
            write(os);
        }
    }

    /** Writes the whole file to {@code out}, which is left open. */
    public void write(OutputStream out) throws IOException {
        int alignment = alignment();
        LeOutput o = new LeOutput(new BufferedOutputStream(out, 1 << 16));
        o.u32(GgufFormat.MAGIC);
        o.u32(GgufFormat.VERSION);
        o.u64(tensors.size());
        o.u64(metadata.size());
        for (Map.Entry<String, Kv> e : metadata.entrySet()) {
            o.string(e.getKey());
            Kv kv = e.getValue();
            o.u32(kv.type.id());
            if (kv.type == GgufValueType.ARRAY) {
                List<?> list = (List<?>) kv.value;
                o.u32(kv.elementType.id());
                o.u64(list.size());
                for (Object v : list) {
                    o.scalar(kv.elementType, v);
                }
            } else {
                o.scalar(kv.type, kv.value);
            }
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            o.string(t.name);
            o.u32(t.shape.length);
            for (long d : t.shape) {
                o.u64(d);
            }
            o.u32(t.type.ggmlId);
            o.u64(offset);
            offset = GgufFormat.align(offset + t.bytes(), alignment);
        }
        o.pad(alignment);
        for (PendingTensor t : tensors) {
            o.tensor(t);
            o.pad(alignment);
        }
        o.flush();
    }

    private int alignment() {
        Kv kv = metadata.get("general.alignment");
        if (kv == null) {
            return GgufFormat.DEFAULT_ALIGNMENT;
        }
        long a = ((Number) kv.value).longValue();
        if (a <= 0 || a % 8 != 0) {
            throw new IllegalArgumentException("general.alignment must be a positive multiple of 8, not " + a);
        }
        return (int) a;
    }

    private GgufWriter put(String key, GgufValueType type, Object value) {
        checkKey(key);
        metadata.put(key, new Kv(type, value, null));
        return this;
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys must not be empty");
        }
    }

    /**
     * IEEE 754 binary16 from a float, rounding to nearest even, as numpy and ggml do, so F16 files
     * hold the values a converter would have written. (Java 17 has no Float.floatToFloat16.)
     */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int full = mant | 0x800000;
            int shift = 14 - e;
            int half = full >>> shift;
            int rem = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the correct rounding, up to infinity
        }
        return (short) (sign | half);
    }

    /** The inverse of {@link #toHalf}, for tests. */
    static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Little-endian primitives over a stream, counting bytes so padding can be computed. */
    private static final class LeOutput {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        LeOutput(OutputStream out) {
            this.out = out;
        }

        private void room(int bytes) throws IOException {
            if (buf.remaining() < bytes) {
                drain();
            }
        }

        private void drain() throws IOException {
            out.write(buf.array(), 0, buf.position());
            position += buf.position();
            buf.clear();
        }

        long position() {
            return position + buf.position();
        }

        void u8(int v) throws IOException {
            room(1);
            buf.put((byte) v);
        }

        void u16(int v) throws IOException {
            room(2);
            buf.putShort((short) v);
        }

        void u32(long v) throws IOException {
            room(4);
            buf.putInt((int) v);
        }

        void u64(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void f32(float v) throws IOException {
            room(4);
            buf.putFloat(v);
        }

        void f64(double v) throws IOException {
            room(8);
            buf.putDouble(v);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            int i = 0;
            while (i < b.length) {
                if (!buf.hasRemaining()) {
                    drain();
                }
                int n = Math.min(buf.remaining(), b.length - i);
                buf.put(b, i, n);
                i += n;
            }
        }

        void scalar(GgufValueType type, Object v) throws IOException {
            switch (type) {
                case UINT8, INT8 -> u8(((Number) v).intValue());
                case UINT16, INT16 -> u16(((Number) v).intValue());
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT32 -> f32(((Number) v).floatValue());
                case FLOAT64 -> f64(((Number) v).doubleValue());
                case BOOL -> u8(((Boolean) v) ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> throw new IllegalArgumentException("nested arrays are not supported");
            }
        }

        void tensor(PendingTensor t) throws IOException {
            long n = t.elements();
            TensorValues values = t.values;
            if (t.type == TensorType.F32) {
                for (long i = 0; i < n; i++) {
                    room(4);
                    buf.putFloat(values.at(i));
                }
            } else {
                for (long i = 0; i < n; i++) {
                    room(2);
                    buf.putShort(toHalf(values.at(i)));
                }
            }
        }

        void pad(int alignment) throws IOException {
            long p = position();
            long target = GgufFormat.align(p, alignment);
            for (long i = p; i < target; i++) {
                u8(0);
            }
        }

        void flush() throws IOException {
            drain();
            out.flush();
        }
    }
}
