package io.evalpipe.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.models.SyntheticModel.Size;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteALlamaModelWithEverythingLlamaCppNeeds() {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(file, Size.TINY, 42);

        GgufFile g = GgufFile.read(file);
        assertThat(g.version()).isEqualTo(3);
        assertThat(g.architecture()).isEqualTo("llama");
        assertThat(g.name()).isEqualTo("evalpipe-synthetic-tiny");
        assertThat(g.isSynthetic()).isTrue();
        assertThat(g.chatTemplate()).hasValueSatisfying(t -> assertThat(t).contains("<|im_start|>", "add_generation_prompt"));
        assertThat(g.getLong("llama.context_length").orElseThrow()).isGreaterThanOrEqualTo(2048);
        for (String key : List.of("llama.embedding_length", "llama.block_count", "llama.feed_forward_length",
                "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count",
                "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id")) {
            assertThat(g.getLong(key)).as(key).isPresent();
        }
        assertThat(g.getDouble("llama.attention.layer_norm_rms_epsilon")).isPresent();
        assertThat(g.getString("tokenizer.ggml.model")).contains("llama");

        @SuppressWarnings("unchecked")
        List<Object> tokens = (List<Object>) g.value("tokenizer.ggml.tokens").orElseThrow();
        assertThat(tokens).contains("<unk>", "<s>", "</s>", "<0x00>", "<0x0A>", "<0xFF>", "▁the", "{\"", "\":", "\",", "<|im_end|>");
        assertThat(tokens).doesNotHaveDuplicates();
        assertThat((List<?>) g.value("tokenizer.ggml.scores").orElseThrow()).hasSameSizeAs(tokens);
        assertThat((List<?>) g.value("tokenizer.ggml.token_type").orElseThrow()).hasSameSizeAs(tokens);

        int blocks = (int) g.getLong("llama.block_count").orElseThrow();
        assertThat(g.tensors()).hasSize(3 + 9 * blocks);
        assertThat(g.tensor("blk.0.ffn_down.weight")).isPresent();
        assertThat(g.tensor("output.weight").orElseThrow().shape())
                .containsExactly(g.getLong("llama.embedding_length").orElseThrow(), tokens.size());
        assertThat(g.dataOffset() % 32).isZero();
        assertThat(g.tensors()).allSatisfy(t -> assertThat(t.offset() % 32).isZero());
        assertThat(g.parameterCount()).isBetween(800_000L, 1_500_000L);
    }

    @Test
    void shouldWriteTheSameBytesForTheSameSizeAndSeed() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        SyntheticModel.write(a, Size.TINY, 7);
        SyntheticModel.write(b, Size.TINY, 7);
        SyntheticModel.write(c, Size.TINY, 8);

        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1L);
        assertThat(Files.size(c)).isEqualTo(Files.size(a));
    }

    @Test
    void shouldStreamTheSmallModelWithoutHoldingItInMemory() throws IOException {
        // SMALL is about 200 MB: count it as it streams by instead of putting it on disk.
        long[] size = {0};
        try (OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                size[0] += len;
            }
        }) {
            SyntheticModel.writer(Size.SMALL, 42).write(sink);
        }
        assertThat(size[0]).isBetween(190_000_000L, 220_000_000L);
    }

    @Test
    void shouldWriteOnlyWhenTheFileIsNotAlreadyThatModel() throws IOException {
        Path file = dir.resolve("models").resolve("tiny.gguf");
        SyntheticModel.ensure(file, Size.TINY, 42);
        var written = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(written.toMillis() - 60_000));
        var aged = Files.getLastModifiedTime(file);

        assertThat(SyntheticModel.ensure(file, Size.TINY, 42)).isEqualTo(file);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(aged);

        SyntheticModel.ensure(file, Size.TINY, 43);
        assertThat(GgufFile.read(file).getLong("evalpipe.synthetic.seed")).hasValue(43);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary files left behind
        }
    }

    @Test
    void shouldRefuseToOverwriteAFileThatIsNotASyntheticModel() throws IOException {
        Path real = dir.resolve("real.gguf");
        new GgufWriter().putString("general.architecture", "llama").write(real);

        assertThatThrownBy(() -> SyntheticModel.ensure(real, Size.TINY, 42))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("not a synthetic model");
    }
}
