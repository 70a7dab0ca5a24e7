package io.evalpipe.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.models.GgufWriter.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path dir;

    private Path writeSample() throws IOException {
        Path file = dir.resolve("sample.gguf");
        new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "sample")
                .putUint8("u8", 200)
                .putInt8("i8", -5)
                .putUint16("u16", 60000)
                .putInt16("i16", -30000)
                .putUint32("u32", 4_000_000_000L)
                .putInt32("i32", -7)
                .putUint64("u64", 1L << 40)
                .putInt64("i64", -(1L << 40))
                .putFloat32("f32", 1.5f)
                .putFloat64("f64", 2.25)
                .putBool("flag", true)
                .putStringArray("words", List.of("a", "▁b", ""))
                .putFloat32Array("floats", new float[] {0.5f, -1f})
                .putInt32Array("ints", new int[] {1, 2, 3})
                .putString("tokenizer.chat_template", "{{ messages }}")
                .addTensor("vec", TensorType.F32, new long[] {3}, i -> i)
                .addTensor("mat", TensorType.F16, new long[] {5, 2}, i -> i * 0.5f)
                .write(file);
        return file;
    }

    @Test
    void shouldReadBackEveryMetadataTypeAndTensorInfo() throws IOException {
        GgufFile g = GgufFile.read(writeSample());

        assertThat(g.version()).isEqualTo(3);
        assertThat(g.architecture()).isEqualTo("llama");
        assertThat(g.name()).isEqualTo("sample");
        assertThat(g.getLong("u8")).hasValue(200);
        assertThat(g.getLong("i8")).hasValue(-5);
        assertThat(g.getLong("u16")).hasValue(60000);
        assertThat(g.getLong("i16")).hasValue(-30000);
        assertThat(g.getLong("u32")).hasValue(4_000_000_000L);
        assertThat(g.getLong("i32")).hasValue(-7);
        assertThat(g.getLong("u64")).hasValue(1L << 40);
        assertThat(g.getLong("i64")).hasValue(-(1L << 40));
        assertThat(g.getDouble("f32")).hasValue(1.5);
        assertThat(g.getDouble("f64")).hasValue(2.25);
        assertThat(g.getBoolean("flag")).contains(true);
        assertThat(g.value("words")).contains(List.of("a", "▁b", ""));
        assertThat(g.value("floats")).contains(List.of(0.5f, -1f));
        assertThat(g.value("ints")).contains(List.of(1, 2, 3));
        assertThat(g.getString("u8")).isEmpty();
        assertThat(g.getLong("general.name")).isEmpty();
        assertThat(g.chatTemplate()).contains("{{ messages }}");
        assertThat(g.isSynthetic()).isFalse();

        assertThat(g.tensors()).extracting(GgufFile.TensorInfo::name).containsExactly("vec", "mat");
        GgufFile.TensorInfo mat = g.tensor("mat").orElseThrow();
        assertThat(mat.shape()).containsExactly(5, 2);
        assertThat(mat.type()).isEqualTo(1);
        assertThat(mat.byteSize()).isEqualTo(20);
        assertThat(mat.offset()).isEqualTo(32); // vec's 12 bytes padded to 32
        assertThat(g.dataOffset() % 32).isZero();
        assertThat(g.parameterCount()).isEqualTo(13);
        assertThat(g.fileSize()).isEqualTo(g.dataOffset() + 64);
    }

    @Test
    void shouldWriteTensorDataAlignedWhereTheHeaderSays() throws IOException {
        Path file = writeSample();
        GgufFile g = GgufFile.read(file);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);

        int vec = (int) (g.dataOffset() + g.tensor("vec").orElseThrow().offset());
        assertThat(new float[] {bytes.getFloat(vec), bytes.getFloat(vec + 4), bytes.getFloat(vec + 8)})
                .containsExactly(0f, 1f, 2f);
        int mat = (int) (g.dataOffset() + g.tensor("mat").orElseThrow().offset());
        assertThat(GgufWriter.fromHalf(bytes.getShort(mat + 2 * 9))).isEqualTo(4.5f);
    }

    @Test
    void shouldRoundFloatsToHalfPrecisionLikeIeee() {
        assertThat(GgufWriter.toHalf(1f)).isEqualTo((short) 0x3c00);
        assertThat(GgufWriter.toHalf(-2f)).isEqualTo((short) 0xc000);
        assertThat(GgufWriter.toHalf(65504f)).isEqualTo((short) 0x7bff);
        assertThat(GgufWriter.toHalf(70000f)).isEqualTo((short) 0x7c00);
        assertThat(GgufWriter.toHalf(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(GgufWriter.toHalf(0x1p-26f)).isEqualTo((short) 0x0000);
        assertThat(GgufWriter.toHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00); // tie to even
        assertThat(GgufWriter.toHalf(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
        assertThat(Float.isNaN(GgufWriter.fromHalf(GgufWriter.toHalf(Float.NaN)))).isTrue();
        for (float f : new float[] {0.02f, -0.0137f, 3.14159f, 1e-5f, 1e-7f}) {
            float tolerance = Math.max(Math.abs(f) * 0x1p-11f, 0x1p-25f); // half an ulp, normal or subnormal
            assertThat(GgufWriter.fromHalf(GgufWriter.toHalf(f))).isCloseTo(f, org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void shouldRejectATruncatedFileSayingHowLongItShouldBe() throws IOException {
        Path file = writeSample();
        byte[] whole = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 40));

        assertThatThrownBy(() -> GgufFile.read(cut))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated: expected at least " + (whole.length - 12) + " bytes, found " + (whole.length - 40));
    }

    @Test
    void shouldRejectAFileCutInsideItsHeader() throws IOException {
        byte[] whole = Files.readAllBytes(writeSample());
        Path cut = dir.resolve("header-cut.gguf");
        Files.write(cut, Arrays.copyOf(whole, 100));

        assertThatThrownBy(() -> GgufFile.read(cut))
                .isInstanceOf(ModelFileException.class)
                .hasMessageMatching("Model file .*header-cut.gguf is truncated: expected at least \\d+ bytes, found 100.*");
    }

    @Test
    void shouldRejectAFileWithoutTheGgufMagic() throws IOException {
        Path zip = dir.resolve("model.gguf");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});

        assertThatThrownBy(() -> GgufFile.read(zip))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("Model file " + zip + " is not a GGUF file: it starts with bytes 50 4B 03 04 instead of 'GGUF'");
    }

    @Test
    void shouldRecogniseAGitLfsPointer() throws IOException {
        Path pointer = dir.resolve("lfs.gguf");
        Files.writeString(pointer, "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");

        assertThatThrownBy(() -> GgufFile.read(pointer))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("not a GGUF file")
                .hasMessageContaining("Git LFS pointer");
    }

    @Test
    void shouldRejectAnEmptyFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));

        assertThatThrownBy(() -> GgufFile.read(empty))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("Model file " + empty + " is empty (0 bytes), not a GGUF file");
    }

    @Test
    void shouldRejectAMissingFile() {
        Path missing = dir.resolve("nope.gguf");

        assertThatThrownBy(() -> GgufFile.read(missing))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("Model file " + missing + " does not exist")
                .extracting(e -> ((ModelFileException) e).path())
                .isEqualTo(missing);
    }

    @Test
    void shouldRejectAnUnsupportedVersion() throws IOException {
        byte[] bytes = Files.readAllBytes(writeSample());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 7);
        Path v7 = Files.write(dir.resolve("v7.gguf"), bytes);

        assertThatThrownBy(() -> GgufFile.read(v7))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("unsupported GGUF version 7");
    }

    @Test
    void shouldReadVersion2Files() throws IOException {
        byte[] bytes = Files.readAllBytes(writeSample());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2); // same layout as v3
        Path v2 = Files.write(dir.resolve("v2.gguf"), bytes);

        assertThat(GgufFile.read(v2).version()).isEqualTo(2);
    }

    @Test
    void shouldRejectAHeaderClaimingMoreEntriesThanTheFileHolds() throws IOException {
        byte[] bytes = Files.readAllBytes(writeSample());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE / 2);
        Path corrupt = Files.write(dir.resolve("corrupt.gguf"), bytes);

        assertThatThrownBy(() -> GgufFile.read(corrupt))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is corrupt")
                .hasMessageContaining("metadata entries");
    }

    @Test
    void shouldRequireAnArchitecture() throws IOException {
        Path file = dir.resolve("noarch.gguf");
        new GgufWriter().putString("general.name", "x").write(file);

        assertThatThrownBy(() -> GgufFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("has no general.architecture");
    }

    @Test
    void shouldRejectADirectory() {
        assertThatThrownBy(() -> GgufFile.read(dir))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void shouldRecogniseAnHtmlPage() throws IOException {
        Path html = Files.writeString(dir.resolve("page.gguf"), "<!DOCTYPE html><html><body>404</body></html>", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> GgufFile.read(html))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("HTML");
    }
}
