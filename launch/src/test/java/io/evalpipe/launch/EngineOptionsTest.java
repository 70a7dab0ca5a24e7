package io.evalpipe.launch;

import static org.assertj.core.api.Assertions.assertThat;

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
}
