package io.evalpipe.worker.engine.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.worker.engine.LlamaCppOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerArgumentsTest {
    private static final Path MODEL = Path.of("/models/m.gguf");

    private static String joined(LlamaCppOptions o) {
        return String.join(" ", ServerArguments.of(MODEL, o, 8123));
    }

    @Test
    void shouldBindLoopbackAndStateEverySettingTheServerWouldOtherwiseChoose() {
        String a = joined(LlamaCppOptions.builder().threads(3).contextSize(2048).parallel(4).build());

        assertThat(a).contains("--model /models/m.gguf", "--host 127.0.0.1", "--port 8123", "--threads 3", "--threads-batch 3",
                "--parallel 4", "--no-kv-unified", "--flash-attn off", "--fit off", "--jinja", "--no-webui", "--offline");
        // Per slot, as in-process: the server divides its context between the slots.
        assertThat(a).contains("--ctx-size 8192");
        // --device cpu must not offload, even with a CUDA build.
        assertThat(a).contains("--device none").doesNotContain("--gpu-layers");
        assertThat(a).doesNotContain("--api-key");
    }

    @Test
    void shouldPinStrictlyForGenerationAndBatchesLikeTheInProcessEngine() {
        List<String> a = ServerArguments.of(MODEL, LlamaCppOptions.builder().threads(4).placement("cpu", "4-7", null, null).build(), 1);

        assertThat(String.join(" ", a)).contains("--cpu-range 4-7 --cpu-strict 1 --cpu-range-batch 4-7 --cpu-strict-batch 1");
    }

    @Test
    void shouldOffloadToTheGpuOnlyWhenAskedWithItsLayersAndDevices() {
        String a = joined(LlamaCppOptions.builder().threads(2).parallel(4).gpuLayers(999).placement("gpu", null, 1, "CUDA1").flashAttention(true).build());

        assertThat(a).contains("--gpu-layers 999", "--main-gpu 1", "--device CUDA1", "--flash-attn on").doesNotContain("--device none");
    }
}
