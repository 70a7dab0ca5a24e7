package io.evalpipe.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evalpipe.worker.TestModels;
import io.evalpipe.models.GgufFile;
import io.evalpipe.models.ModelFileException;
import io.evalpipe.models.SyntheticModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledArchitecturesTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseQwen3NamingTheArchitectureTheBuildAndTheServerEngine() {
        Path qwen3 = dir.resolve("qwen3.gguf");
        SyntheticModel.write(qwen3, SyntheticModel.Size.TINY, 42, new SyntheticModel.Variant(SyntheticModel.Arch.QWEN3, true));

        assertThatThrownBy(() -> LlamaCppEngine.precheck(qwen3))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'qwen3'")
                .hasMessageContaining("b4916")
                .hasMessageContaining("--engine llama-server");
    }

    @Test
    void shouldAcceptTheSyntheticLlamaModel() {
        assertThat(LlamaCppEngine.precheck(TestModels.tiny()).architecture()).isEqualTo("llama");
    }

    /** The list is copied from the source the bundled library is built from; compare the two when it is here. */
    @Test
    void shouldListExactlyTheArchitecturesOfLlamaCppB4916() throws Exception {
        Path tarball = TestModels.sharedLlamaCpp().resolve("src/llama.cpp-b4916.tar.gz");
        assumeTrue(Files.isRegularFile(tarball), "no " + tarball + ": nothing to compare the list with");
        Process tar = new ProcessBuilder("tar", "-xzOf", tarball.toString(), "llama.cpp-b4916/src/llama-arch.cpp").start();
        String source = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String table = source.substring(source.indexOf("LLM_ARCH_NAMES"), source.indexOf("};", source.indexOf("LLM_ARCH_NAMES")));
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\{\\s*LLM_ARCH_(\\w+),\\s*\"([^\"]+)\"").matcher(table);
        while (m.find()) {
            if (!m.group(1).equals("UNKNOWN")) {
                names.add(m.group(2));
            }
        }
        assertThat(names).hasSizeGreaterThan(50);
        assertThat(BundledArchitectures.NAMES).containsExactlyInAnyOrderElementsOf(names);
        assertThat(GgufFile.read(TestModels.tiny()).architecture()).isIn(names);
    }
}
