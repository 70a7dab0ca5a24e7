package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sweep --vary model=...` with a model that cannot run, or options that contradict it: one line and
 * exit 3 (the model, as for --model) or 2 (the command), before a broker starts or a report folder
 * is made. No broker runs here.
 */
class ModelSweepInputTest {
    @TempDir
    Path dir;

    record Outcome(int code, List<String> lines) {}

    private Outcome sweep(String... extra) throws Exception {
        Path prompts = Files.writeString(dir.resolve("p.jsonl"), "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        List<String> args = new ArrayList<>(List.of("sweep", "--prompts", prompts.toString(), "--reports", dir.resolve("reports").toString()));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        int code = EvalCtl.execute(new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(dir.resolve("reports")).as("nothing started: %s", err).doesNotExist();
        return new Outcome(code, err.toString().lines().filter(l -> !l.isBlank()).toList());
    }

    @Test
    void shouldRefuseAMissingModelNamingIt() throws Exception {
        Outcome o = sweep("--vary", "model=" + TestModels.tiny() + ",nope.gguf");

        assertThat(o.code()).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(o.lines()).containsExactly("evalctl: --vary model: model file nope.gguf does not exist");
    }

    @Test
    void shouldRefuseAFileThatIsNotGgufNamingIt() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "not a model");

        Outcome o = sweep("--vary", "model=" + TestModels.tiny() + "," + text);

        assertThat(o.code()).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(o.lines()).hasSize(1);
        assertThat(o.lines().get(0)).startsWith("evalctl: --vary model: ").contains(text.toString());
    }

    @Test
    void shouldRefuseOneFileNamedTwice() throws Exception {
        Path tiny = TestModels.tiny();

        Outcome o = sweep("--vary", "model=" + tiny + "," + tiny.getParent() + "/./" + tiny.getFileName());

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.lines().get(0)).contains("are the same file");
    }

    @Test
    void shouldRefuseModelAsBothAnOptionAndVaried() throws Exception {
        Outcome o = sweep("--model", TestModels.tiny().toString(), "--vary", "model=a.gguf,b.gguf");

        assertThat(o.code()).isEqualTo(ExitCode.USAGE);
        assertThat(o.lines()).containsExactly("evalctl: model is both set by its option (--model) and varied; give it in --vary only");
    }

    @Test
    void shouldRefuseAnEngineWithoutModelFilesAndSeveralWorkers() throws Exception {
        Outcome openai = sweep("--engine", "openai", "--endpoint", "http://127.0.0.1:1/v1", "--model-name", "m",
                "--vary", "model=a.gguf,b.gguf");
        Outcome workers = sweep("--workers", "2", "--vary", "model=" + TestModels.tiny());

        assertThat(openai.code()).isEqualTo(ExitCode.USAGE);
        assertThat(openai.lines().get(0)).contains("--vary model needs model files");
        assertThat(workers.code()).isEqualTo(ExitCode.USAGE);
        assertThat(workers.lines().get(0)).contains("--workers does not apply with --vary model");
    }
}
