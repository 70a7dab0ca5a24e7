package io.evalpipe.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The worker's llama.cpp settings as the command line builds them. */
class EngineOptionsTest {

    /** The options as a command that mixes them in (worker, run, sweep) reads them. */
    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        EngineOptions engine;
    }

    private static EngineOptions parse(String... args) {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.engine;
    }

    @Test
    void shouldLeaveFlashAttentionOffUnlessAsked() {
        // Off keeps greedy replies the same whatever --parallel is (ParallelSlotsTest).
        assertThat(parse("--model", "m.gguf", "--parallel", "4").llamaCppOptions(1).flashAttention()).isFalse();
        assertThat(parse("--model", "m.gguf", "--parallel", "4", "--flash-attn").llamaCppOptions(1).flashAttention()).isTrue();
    }

    @Test
    void shouldGiveOneEngineSharedByNWorkersNTimesTheSlots() {
        assertThat(parse("--model", "m.gguf", "--parallel", "2", "--ctx-size", "1024").llamaCppOptions(3))
                .satisfies(o -> {
                    assertThat(o.parallel()).isEqualTo(6);
                    assertThat(o.contextSize()).isEqualTo(1024);
                });
    }

    @Test
    void shouldGiveAWorkerProcessEveryEngineOptionThisCommandWasGiven() throws Exception {
        EngineOptions given = parse("--engine", "llama-server", "--model", "/m/ignored.gguf", "--llama-server", "/bin/llama-server",
                "--load-timeout", "90s", "--endpoint", "http://127.0.0.1:1/v1", "--model-name", "m", "--api-key-env", "KEY",
                "--threads", "3", "--parallel", "2", "--ctx-size", "1024", "--flash-attn", "--device", "gpu", "--cpu-range", "0-2",
                "--gpu-layers", "99", "--main-gpu", "1", "--devices", "CUDA0", "--native-lib", "/opt/jllama", "--schema", "/s.json",
                "--validation", "salvage");

        EngineOptions worker = parse(given.workerArguments(Path.of("/models/b.gguf")).toArray(String[]::new));

        assertThat(worker.model).isEqualTo(Path.of("/models/b.gguf"));
        // Every option, so that one added later cannot be left out of the worker's command line unnoticed.
        for (Field f : EngineOptions.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(CommandLine.Option.class) && !f.getName().equals("model")) {
                assertThat(f.get(worker)).as(f.getName()).isEqualTo(f.get(given));
            }
        }
    }

    @Test
    void shouldLeaveDefaultsToTheWorkerAndMakePathsAbsolute() {
        List<String> args = parse("--schema", "schemas/x.json").workerArguments(Path.of("m.gguf"));

        assertThat(args).containsSequence("--model", Path.of("m.gguf").toAbsolutePath().toString())
                .containsSequence("--schema", Path.of("schemas/x.json").toAbsolutePath().toString())
                .doesNotContain("--threads", "--flash-attn", "--llama-server", "--native-lib");
    }
}
