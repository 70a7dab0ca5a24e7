package io.evalpipe.models;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The header of a GGUF model file: metadata and tensor layout, without the tensor data.
 *
 * <p>It exists so that a bad model file is reported in one plain sentence before any native code
 * sees it. llama.cpp, given a truncated download or an HTML error page saved as {@code .gguf},
 * either fails with a generic "could not load model" or crashes the JVM; reading the header in Java
 * first turns those into a {@link ModelFileException} that names the file and the problem.
 *
 * <p>Metadata values are exposed as Java objects: {@link Integer} for 8, 16 and signed 32 bit
 * integers, {@link Long} for unsigned 32 bit and 64 bit integers (a uint64 above
 * {@link Long#MAX_VALUE} reads as negative), {@link Float}, {@link Double}, {@link Boolean},
 * {@link String}, and an unmodifiable {@link List} of those for arrays.
 */
public final class GgufFile {

    /** Metadata key that marks files made by {@link SyntheticModel}. */
    public static final String SYNTHETIC_KEY = "evalpipe.synthetic";

    private static final int MAX_DIMS = 4;
    /** More tensors, keys or array elements than any model has (vocabularies are about 2^18). */
    private static final long MAX_COUNT = 1L << 26;

    /**
     * One tensor's place in the file.
     *
     * @param type   the ggml type id (0 F32, 1 F16, 2 Q4_0, ...)
     * @param shape  ggml order: {@code shape[0]} is the contiguous dimension
     * @param offset from the start of the data section, see {@link GgufFile#dataOffset()}
     */
    public record TensorInfo(String name, int type, long[] shape, long offset) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** Bytes of data, or -1 for a ggml type this reader does not know. */
        public long byteSize() {
            return GgmlType.byteSize(type, elements());
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + " type " + type + " @" + offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorInfo t
                    && name.equals(t.name)
                    && type == t.type
                    && Arrays.equals(shape, t.shape)
                    && offset == t.offset;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }
    }

    private final Path path;
    private final int version;
    private final long fileSize;
    private final int alignment;
    private final long dataOffset;
    private final Map<String, Object> metadata;
    private final List<TensorInfo> tensors;

    private GgufFile(
            Path path,
            int version,
            long fileSize,
            int alignment,
            long dataOffset,
            Map<String, Object> metadata,
            List<TensorInfo> tensors) {
        this.path = path;
        this.version = version;
        this.fileSize = fileSize;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = List.copyOf(tensors);
    }

    /**
     * Reads and checks the header: the GGUF magic, version 2 or 3, well-formed metadata, a
     * {@code general.architecture} key, and that every tensor's data lies inside the file.
     *
     * @throws ModelFileException naming the file and what is wrong with it
     */
    public static GgufFile read(Path path) {
        if (Files.isDirectory(path)) {
            throw new ModelFileException(path, "is a directory, not a GGUF file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(path, ch);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(path, "does not exist", e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static GgufFile parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            throw new ModelFileException(path, "is empty (0 bytes), not a GGUF file");
        }
        LeInput in = new LeInput(ch, size);
        if (size < 4) {
            throw new ModelFileException(path, "is not a GGUF file: it is only " + size + " bytes long");
        }
        byte[] head = in.peek((int) Math.min(size, 24));
        int magic = ByteBuffer.wrap(head, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (magic != GgufFormat.MAGIC) {
            throw new ModelFileException(path, "is not a GGUF file: " + describeStart(head));
        }
        try {
            in.u32();
            int version = in.i32();
            if (version != 2 && version != 3) {
                if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                    throw new ModelFileException(
                            path, "is a big-endian GGUF file, which llama.cpp cannot load on this machine");
                }
                throw new ModelFileException(
                        path, "has unsupported GGUF version " + Integer.toUnsignedString(version)
                                + " (supported: 2 and 3)");
            }
            long tensorCount = in.u64();
            long kvCount = in.u64();
            // Counts beyond these are garbage, not a cut-off file, and must not size anything. A
            // plausible count in a short file is read until the file runs out: "truncated".
            if (tensorCount < 0 || tensorCount > MAX_COUNT) {
                throw new ModelFileException(
                        path, "is corrupt: its header claims " + Long.toUnsignedString(tensorCount) + " tensors");
            }
            if (kvCount < 0 || kvCount > MAX_COUNT) {
                throw new ModelFileException(
                        path, "is corrupt: its header claims " + Long.toUnsignedString(kvCount) + " metadata entries");
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = in.string(path);
                int typeId = in.i32();
                GgufValueType type = GgufValueType.byId(typeId);
                if (type == null) {
                    throw new ModelFileException(
                            path, "is corrupt: metadata key '" + key + "' has unknown value type " + typeId);
                }
                metadata.put(key, readValue(path, in, key, type));
            }
            int alignment = GgufFormat.DEFAULT_ALIGNMENT;
            Object a = metadata.get("general.alignment");
            if (a instanceof Number n) {
                long al = n.longValue();
                if (al <= 0 || Long.bitCount(al) != 1 || al > (1 << 20)) {
                    throw new ModelFileException(path, "is corrupt: general.alignment is " + al);
                }
                alignment = (int) al;
            }
            List<TensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1024));
            for (long i = 0; i < tensorCount; i++) {
                String name = in.string(path);
                int dims = in.i32();
                if (dims < 1 || dims > MAX_DIMS) {
                    throw new ModelFileException(
                            path, "is corrupt: tensor '" + name + "' has " + dims + " dimensions");
                }
                long[] shape = new long[dims];
                for (int d = 0; d < dims; d++) {
                    shape[d] = in.u64();
                    if (shape[d] < 0) {
                        throw new ModelFileException(
                                path, "is corrupt: tensor '" + name + "' has dimension " + Long.toUnsignedString(shape[d]));
                    }
                }
                int type = in.i32();
                long offset = in.u64();
                if (offset < 0 || offset % alignment != 0) {
                    throw new ModelFileException(
                            path, "is corrupt: tensor '" + name + "' starts at offset "
                                    + Long.toUnsignedString(offset) + ", not a multiple of " + alignment);
                }
                TensorInfo t = new TensorInfo(name, type, shape, offset);
                try {
                    t.elements();
                } catch (ArithmeticException e) {
                    throw new ModelFileException(path, "is corrupt: tensor '" + name + "' has an impossible shape");
                }
                tensors.add(t);
            }
            long dataOffset = GgufFormat.align(in.position(), alignment);
            long needed = tensors.isEmpty() ? in.position() : dataOffset;
            for (TensorInfo t : tensors) {
                try {
                    long bytes = Math.max(0, t.byteSize()); // an unknown type: check at least where it starts
                    needed = Math.max(needed, Math.addExact(Math.addExact(dataOffset, t.offset()), bytes));
                } catch (ArithmeticException e) {
                    throw new ModelFileException(path, "is corrupt: tensor '" + t.name() + "' ends past 2^63 bytes");
                }
            }
            if (needed > size) {
                throw truncated(path, needed, size);
            }
            if (!(metadata.get("general.architecture") instanceof String)) {
                throw new ModelFileException(
                        path, "has no general.architecture string, so it is not a model llama.cpp can load");
            }
            return new GgufFile(path, version, size, alignment, dataOffset, metadata, tensors);
        } catch (EOFException e) {
            throw truncated(path, in.failedAt(), size);
        }
    }

    private static ModelFileException truncated(Path path, long needed, long size) {
        return new ModelFileException(
                path, "is truncated: expected at least " + needed + " bytes, found " + size
                        + " (an interrupted download or copy?)");
    }

    private static String describeStart(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("version https://git-lfs")) {
            return "it is a Git LFS pointer, not the model itself (run git lfs pull)";
        }
        String trimmed = text.stripLeading().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("<!doctype") || trimmed.startsWith("<html") || trimmed.startsWith("<?xml")) {
            return "it is an HTML or XML page (a failed download?)";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, head.length); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02X", head[i] & 0xff));
        }
        return "it starts with bytes " + hex + " instead of 'GGUF'";
    }

    private static Object readValue(Path path, LeInput in, String key, GgufValueType type) throws IOException {
        if (type != GgufValueType.ARRAY) {
            return readScalar(path, in, type);
        }
        int elementId = in.i32();
        GgufValueType elementType = GgufValueType.byId(elementId);
        if (elementType == null || elementType == GgufValueType.ARRAY) {
            throw new ModelFileException(
                    path, "is corrupt or uses nested arrays: metadata array '" + key
                            + "' has element type " + elementId);
        }
        long count = in.u64();
        if (count < 0 || count > MAX_COUNT) {
            throw new ModelFileException(
                    path, "is corrupt: metadata array '" + key + "' claims " + Long.toUnsignedString(count) + " elements");
        }
        List<Object> values = new ArrayList<>((int) Math.min(count, 1 << 16));
        for (long i = 0; i < count; i++) {
            values.add(readScalar(path, in, elementType));
        }
        return Collections.unmodifiableList(values);
    }

    private static Object readScalar(Path path, LeInput in, GgufValueType type) throws IOException {
        return switch (type) {
            case UINT8 -> in.u8();
            case INT8 -> (int) (byte) in.u8();
            case UINT16 -> in.u16();
            case INT16 -> (int) (short) in.u16();
            case UINT32 -> Integer.toUnsignedLong(in.i32());
            case INT32 -> in.i32();
            case UINT64, INT64 -> in.u64();
            case FLOAT32 -> Float.intBitsToFloat(in.i32());
            case FLOAT64 -> Double.longBitsToDouble(in.u64());
            case BOOL -> in.u8() != 0;
            case STRING -> in.string(path);
            case ARRAY -> throw new IllegalStateException("arrays are read by readValue");
        };
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long fileSize() {
        return fileSize;
    }

    public int alignment() {
        return alignment;
    }

    /** Where tensor data starts: tensor offsets count from here. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Every metadata key, in file order. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public Optional<Object> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The value when it is a string; empty when absent or of another type. */
    public Optional<String> getString(String key) {
        return metadata.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The value when it is an integer of any width; empty when absent or of another type. */
    public OptionalLong getLong(String key) {
        Object v = metadata.get(key);
        return v instanceof Integer || v instanceof Long
                ? OptionalLong.of(((Number) v).longValue())
                : OptionalLong.empty();
    }

    /** The value when it is any number; empty when absent or of another type. */
    public OptionalDouble getDouble(String key) {
        return metadata.get(key) instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    /** The value when it is a boolean; empty when absent or of another type. */
    public Optional<Boolean> getBoolean(String key) {
        return metadata.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** {@code general.architecture}, e.g. {@code llama}; always present, {@link #read} checks it. */
    public String architecture() {
        return (String) metadata.get("general.architecture");
    }

    /** {@code general.name}, or the file name when the file has none. */
    public String name() {
        return getString("general.name").orElse(String.valueOf(path.getFileName()));
    }

    /** The model's own Jinja chat template ({@code tokenizer.chat_template}), when it ships one. */
    public Optional<String> chatTemplate() {
        return getString("tokenizer.chat_template").filter(t -> !t.isBlank());
    }

    /** True for files made by {@link SyntheticModel}: random weights, so their text means nothing. */
    public boolean isSynthetic() {
        return Boolean.TRUE.equals(metadata.get(SYNTHETIC_KEY));
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Optional<TensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Total elements of all tensors: the parameter count. */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors) {
            n += t.elements();
        }
        return n;
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + architecture() + ", " + tensors.size() + " tensors]";
    }

    /** Buffered little-endian reads over a channel that remember where they ran out of file. */
    private static final class LeInput {
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long bufStart; // file position of buf's index 0
        private long failedAt;

        LeInput(FileChannel ch, long size) {
            this.ch = ch;
            this.size = size;
            buf.limit(0);
        }

        long size() {
            return size;
        }

        long position() {
            return bufStart + buf.position();
        }

        long failedAt() {
            return failedAt;
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            long pos = position();
            if (pos + n > size) {
                failedAt = pos + n;
                throw new EOFException();
            }
            buf.compact();
            bufStart = pos; // after compact, index 0 holds the byte at pos
            while (buf.position() < n) {
                int r = ch.read(buf, bufStart + buf.position());
                if (r < 0) {
                    failedAt = pos + n;
                    buf.flip();
                    throw new EOFException();
                }
            }
            buf.flip();
        }

        byte[] peek(int n) throws IOException {
            need(n);
            byte[] b = new byte[n];
            buf.duplicate().get(b);
            return b;
        }

        int u8() throws IOException {
            need(1);
            return buf.get() & 0xff;
        }

        int u16() throws IOException {
            need(2);
            return buf.getShort() & 0xffff;
        }

        int i32() throws IOException {
            need(4);
            return buf.getInt();
        }

        long u32() throws IOException {
            return Integer.toUnsignedLong(i32());
        }

        long u64() throws IOException {
            need(8);
            return buf.getLong();
        }

        String string(Path path) throws IOException {
            long len = u64();
            // No header string comes near 256 MiB: a longer one is garbage, not a cut-off file.
            if (len < 0 || len > (256L << 20)) {
                throw new ModelFileException(
                        path, "is corrupt: a metadata string claims " + Long.toUnsignedString(len) + " bytes");
            }
            if (position() + len > size) {
                failedAt = position() + len;
                throw new EOFException();
            }
            byte[] b = new byte[(int) len];
            int off = 0;
            while (off < b.length) {
                if (!buf.hasRemaining()) {
                    need(Math.min(buf.capacity(), b.length - off));
                }
                int n = Math.min(buf.remaining(), b.length - off);
                buf.get(b, off, n);
                off += n;
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
