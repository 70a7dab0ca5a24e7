package io.evalpipe.worker.engine.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real executables (shell scripts that answer as llama-server builds do), found and asked for their version. */
class LlamaServerBinaryTest {

    @TempDir
    Path dir;

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void shouldReadTheBuildAndCommitOfCurrentAndOlderBuilds() throws Exception {
        Path current = script("current", "echo 'version: 0.2.0-dev (build 10573, commit d775b89)' >&2\necho 'built with GNU 12.2.0 for Linux x86_64' >&2");
        Path older = script("older", "echo 'version: 6097 (9515c613)' >&2");

        assertThat(LlamaServerBinary.resolve(current, Map.of())).extracting(LlamaServerBinary::build, LlamaServerBinary::commit)
                .containsExactly("10573", "d775b89");
        assertThat(LlamaServerBinary.resolve(older, Map.of()).describe()).isEqualTo("llama-server (llama.cpp b6097, 9515c613)");
    }

    @Test
    void shouldLookAtTheOptionThenTheVariableThenThePath() throws Exception {
        Path fromEnv = script("from-env", "echo 'version: 1 (aaaaaaa)' >&2");
        Path binDir = Files.createDirectory(dir.resolve("bin"));
        Files.move(script("llama-server", "echo 'version: 2 (bbbbbbb)' >&2"), binDir.resolve("llama-server"));

        assertThat(LlamaServerBinary.resolve(null, Map.of(LlamaServerBinary.ENV, fromEnv.toString(), "PATH", binDir.toString())).build())
                .isEqualTo("1");
        assertThat(LlamaServerBinary.resolve(null, Map.of("PATH", "/nonexistent:" + binDir)).build()).isEqualTo("2");
    }

    @Test
    void shouldSayWhereItLookedWhenThereIsNone() {
        assertThatThrownBy(() -> LlamaServerBinary.resolve(null, Map.of("PATH", dir.toString())))
                .isInstanceOf(LlamaServerException.class)
                .hasMessageContaining("--llama-server").hasMessageContaining(LlamaServerBinary.ENV);
        assertThatThrownBy(() -> LlamaServerBinary.resolve(dir.resolve("missing"), Map.of()))
                .hasMessageContaining("is not an executable file");
    }

    @Test
    void shouldListNoDevicesForACpuBuildAndTheGpusOfACudaBuild() throws Exception {
        Path cpu = script("cpu", "echo 'version: 0.2.0-dev (build 10573, commit d775b89)' >&2\n"
                + "[ \"$1\" = --list-devices ] && printf 'Available devices:\\n  (none)\\n'");
        Path cuda = script("cuda", "echo 'version: 0.2.0-dev (build 10573, commit d775b89)' >&2\n"
                + "[ \"$1\" = --list-devices ] && printf 'Available devices:\\n  CUDA0: NVIDIA H200 (143000 MiB, 142000 MiB free)\\n'");

        assertThat(LlamaServerBinary.resolve(cpu, Map.of()).devices()).isEmpty();
        assertThat(LlamaServerBinary.resolve(cuda, Map.of()).devices()).containsExactly("CUDA0: NVIDIA H200 (143000 MiB, 142000 MiB free)");
    }
}
