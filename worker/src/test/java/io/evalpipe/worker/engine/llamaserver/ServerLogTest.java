package io.evalpipe.worker.engine.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {

    @Test
    void shouldPickTheCauseLlamaCppPrintsFirstOverTheLinesOfEachCallerAfterIt() {
        List<String> lines = List.of(
                "main: loading model",
                "llama_model_load: error loading model: error loading model architecture: unknown model architecture: 'llamb'",
                "llama_model_load_from_file_impl: failed to load model",
                "srv    load_model: failed to load model, 'm.gguf'",
                "main: exiting due to model loading error");

        assertThat(ServerLog.lastMeaningfulLine(lines)).endsWith("unknown model architecture: 'llamb'");
    }

    @Test
    void shouldPreferWhatLlamaCppLoggedAtErrorLevelOverWordsInAPath() {
        List<String> lines = List.of(
                "0.00.007.028 I srv    load_model: loading model '/tmp/failed-runs/unknown-arch.gguf'",
                "0.00.007.030 E llama_model_load: error loading model: unknown model architecture: 'llamb'",
                "0.00.007.031 E srv  llama_server: exiting due to model loading error");

        assertThat(ServerLog.lastMeaningfulLine(lines)).endsWith("unknown model architecture: 'llamb'");
    }

    @Test
    void shouldFallBackToTheLastLineWhenNoneReadsAsAnError() {
        assertThat(ServerLog.lastMeaningfulLine(List.of("a", "b", "  "))).isEqualTo("b");
        assertThat(ServerLog.lastMeaningfulLine(List.of())).isEqualTo("(it printed nothing)");
    }

    @TempDir
    Path dir;

    @Test
    void shouldReadTheLastLinesOfWhatTheProcessPrinted() throws Exception {
        String out = IntStream.rangeClosed(1, 5_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        Path file = Files.writeString(dir.resolve("server.log"), out);

        List<String> tail = new ServerLog(file).tail();

        assertThat(tail).hasSize(ServerLog.KEEP).endsWith("line 5000").startsWith("line " + (5_001 - ServerLog.KEEP));
        assertThat(new ServerLog(dir.resolve("missing.log")).tail()).isEmpty();
    }
}
