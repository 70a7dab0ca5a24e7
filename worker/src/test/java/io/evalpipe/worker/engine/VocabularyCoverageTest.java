package io.evalpipe.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.models.GgufFile;
import io.evalpipe.models.SyntheticModel;
import io.evalpipe.models.SyntheticModel.Arch;
import io.evalpipe.models.SyntheticModel.Size;
import io.evalpipe.models.SyntheticModel.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyCoverageTest {

    private static final String CHATML = "<|im_start|>user\nHello Zoë, tell me about Kafka.<|im_end|>\n<|im_start|>assistant\n";

    @TempDir
    static Path dir;

    private static VocabularyCoverage withBytes;
    private static VocabularyCoverage withoutBytes;

    @BeforeAll
    static void write() {
        Path a = dir.resolve("bytes.gguf");
        Path b = dir.resolve("nobytes.gguf");
        SyntheticModel.write(a, Size.TINY, 1);
        SyntheticModel.write(b, Size.TINY, 1, new Variant(Arch.LLAMA, false));
        withBytes = VocabularyCoverage.of(GgufFile.read(a));
        withoutBytes = VocabularyCoverage.of(GgufFile.read(b));
    }

    @Test
    void shouldNeedNoCheckWhenEveryByteHasAFallbackToken() {
        assertThat(withBytes.complete()).isTrue();
        assertThat(withBytes.firstUnencodable(CHATML)).isEmpty();
        assertThat(withBytes.firstUnencodable("emoji \uD83D\uDE00 and tab\t")).isEmpty();
    }

    @Test
    void shouldNameTheFirstCharacterAVocabularyWithoutByteFallbackLacks() {
        assertThat(withoutBytes.complete()).isFalse();
        assertThat(withoutBytes.firstUnencodable(CHATML)).contains("ë");
        assertThat(withoutBytes.firstUnencodable("a tab\there")).contains("\t");
        assertThat(withoutBytes.firstUnencodable("an emoji \uD83D\uDE00")).contains("\uD83D\uDE00");
    }

    @Test
    void shouldAcceptAsciiNewlinesAndSpecialTokensThatAreItsOwnPieces() {
        assertThat(withoutBytes.firstUnencodable(CHATML.replace("ë", "e"))).isEmpty();
        assertThat(withoutBytes.firstUnencodable("{\"reply\": \"Tell me more.\"}\n")).isEmpty();
    }

    @Test
    void shouldDescribeTheCharacterByItsCodePoint() {
        assertThat(VocabularyCoverage.describe("ë")).contains("'ë'", "U+00EB", "byte-fallback");
        assertThat(VocabularyCoverage.describe("\t")).contains("U+0009").doesNotContain("'\t'");
    }
}
