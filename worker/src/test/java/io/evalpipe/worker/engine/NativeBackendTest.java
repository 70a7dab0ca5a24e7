package io.evalpipe.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.worker.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeBackendTest {
    @TempDir
    Path dir;

    @Test
    void shouldFindACudaBackendInANativeLibraryFolder() throws Exception {
        byte[] filler = new byte[200_000];
        byte[] marker = "ggml_backend_cuda_init".getBytes(StandardCharsets.US_ASCII);
        byte[] lib = new byte[filler.length + marker.length + 10];
        // Straddles the 64 KiB read buffer on purpose: the scan must match across reads.
        System.arraycopy(marker, 0, lib, 65_530, marker.length);
        Files.write(dir.resolve("libggml-cuda.so"), lib);
        Files.write(dir.resolve("libjllama.so"), filler);

        assertThat(NativeBackend.detect(dir)).isEqualTo("cuda");
    }

    @Test
    void shouldCallAFolderWithoutCudaCpu() throws Exception {
        Files.write(dir.resolve("libjllama.so"), "ggml_backend_cpu_init ggml_backend_cud".getBytes(StandardCharsets.US_ASCII));

        assertThat(NativeBackend.detect(dir)).isEqualTo("cpu");
        assertThat(NativeBackend.detect(dir.resolve("missing"))).isEqualTo("cpu");
    }

    @Test
    void shouldExtractIntoAFolderOfThisProcessOwn() {
        System.clearProperty(NativeBackend.EXTRACT_DIR_PROPERTY);

        NativeBackend.useOwnExtractFolder();

        Path own = Path.of(System.getProperty(NativeBackend.EXTRACT_DIR_PROPERTY));
        assertThat(own).isDirectory();
        assertThat(own.getFileName().toString()).isEqualTo("evalpipe-jllama-" + ProcessHandle.current().pid());
    }

    @Test
    void shouldRemoveOnlyTheExtractFoldersOfEndedProcesses() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path stale = Files.createDirectory(dir.resolve("evalpipe-jllama-" + ended.pid()));
        Files.write(stale.resolve("libjllama.so"), new byte[] {1});
        Path live = Files.createDirectory(dir.resolve("evalpipe-jllama-" + ProcessHandle.current().pid()));
        Path other = Files.createDirectory(dir.resolve("someone-elses"));

        NativeBackend.removeFoldersOfEndedProcesses(dir);

        assertThat(stale).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(other).isDirectory();
    }

    @Test
    void shouldRefuseDeviceGpuOnTheCpuOnlyLibraryBeforeLoading() {
        LlamaCppOptions gpu = LlamaCppOptions.builder().gpuLayers(999).placement("gpu", null, 0, null).build();

        assertThatThrownBy(() -> LlamaCppEngine.load(TestModels.tiny(), gpu))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device gpu asked for, but the llama.cpp library in use has no GPU backend");
    }

    @Test
    void shouldRejectPinningMoreThreadsThanCores() {
        assertThatThrownBy(() -> LlamaCppOptions.builder().threads(4).placement("cpu", "0-1", null, null).build())
                .hasMessageContaining("threads (4) exceed the cores of cpu range 0-1");
        assertThatThrownBy(() -> LlamaCppOptions.parseCpuRange("3-1")).hasMessageContaining("must look like 0-3");
        assertThat(LlamaCppOptions.parseCpuRange("2-5")).containsExactly(2, 5);
    }

    @Test
    void shouldNameTheBindingAndTheLlamaCppBuildItBundles() {
        // The jar on the test class path is the pom's de.kherud:llama, whose version the build pins.
        assertThat(NativeBackend.bindingVersion()).isEqualTo("4.2.0");
        assertThat(NativeBackend.build(NativeLibrary.choose(NativeLibrary.BUNDLED, null, null, java.util.Set.of())))
                .isEqualTo("de.kherud:llama 4.2.0 (llama.cpp b4916), bundled generic build (AVX2)");
    }
}
