package io.evalpipe.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.worker.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    void shouldExtractIntoAFolderOfThisProcessInsideAFolderOfThisUsersAlone() throws Exception {
        Path own = NativeBackend.ownExtractFolder(dir, 4242);

        assertThat(own.getFileName().toString()).isEqualTo("jllama-4242");
        assertThat(own.getParent().getFileName().toString()).startsWith("evalpipe-");
        assertThat(Files.getPosixFilePermissions(own.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(own)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void shouldRemoveOnlyTheFoldersOfEndedProcessesThatHoldOnlyTheLibrary() throws Exception {
        Path parent = NativeBackend.privateFolder(dir);
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path stale = Files.createDirectory(parent.resolve("jllama-" + ended.pid()));
        Files.write(stale.resolve("libjllama.so"), new byte[] {1});
        Path live = Files.createDirectory(parent.resolve("jllama-" + ProcessHandle.current().pid()));
        Files.write(live.resolve("libjllama.so"), new byte[] {1});
        Path more = Files.createDirectory(parent.resolve("jllama-" + (ended.pid() + 1_000_000)));
        Files.write(more.resolve("notes.txt"), new byte[] {1});

        NativeBackend.removeFoldersOfEndedProcesses(parent);

        assertThat(stale).doesNotExist();
        assertThat(live.resolve("libjllama.so")).exists();
        assertThat(more.resolve("notes.txt")).as("a folder with something else in it is not ours to empty").exists();
    }

    /** The attack the old clean-up fell for: a link named like an extract folder, planted by another user. */
    @Test
    void shouldNeverFollowAPlantedLink() throws Exception {
        Path victim = Files.createDirectory(dir.resolve("victim"));
        Files.write(victim.resolve("libjllama.so"), new byte[] {1});
        Files.write(victim.resolve("precious.txt"), new byte[] {1});
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Files.createSymbolicLink(dir.resolve("evalpipe-jllama-" + ended.pid()), victim); // where the old code looked
        Path parent = NativeBackend.privateFolder(dir);
        Files.createSymbolicLink(parent.resolve("jllama-" + ended.pid()), victim);
        Path onlyLib = Files.createDirectory(dir.resolve("only-lib"));
        Files.write(onlyLib.resolve("libjllama.so"), new byte[] {1});
        Files.createSymbolicLink(parent.resolve("jllama-" + (ended.pid() + 1_000_001)), onlyLib);

        NativeBackend.ownExtractFolder(dir, ProcessHandle.current().pid());

        assertThat(victim.resolve("libjllama.so")).exists();
        assertThat(victim.resolve("precious.txt")).exists();
        assertThat(onlyLib.resolve("libjllama.so")).exists();
    }

    @Test
    void shouldUseAFreshPrivateFolderWhenTheUsersFolderIsNotItsOwn() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");
        Files.createSymbolicLink(dir.resolve("evalpipe-" + user), elsewhere);

        Path own = NativeBackend.ownExtractFolder(dir, 7);

        assertThat(own.getParent()).isEqualTo(dir);
        assertThat(own.getFileName().toString()).startsWith("evalpipe-jllama-");
        assertThat(Files.getPosixFilePermissions(own)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var inside = Files.list(elsewhere)) {
            assertThat(inside).isEmpty();
        }
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
