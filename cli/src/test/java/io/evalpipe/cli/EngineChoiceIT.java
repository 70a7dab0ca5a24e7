package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which engine runs which model, end to end through {@code evalctl run}: a current architecture is
 * refused in-process at once and runs on the supervised llama-server (the real b10573 build); a
 * server killed mid-run costs at most its job in flight and leaves no process behind; a vocabulary
 * without byte fallback turns the prompts it cannot encode into errors instead of aborting the JVM.
 * The runs that load a native library in-process, or must be killed, run the shaded jar in a process
 * of their own.
 */
class EngineChoiceIT {
    @TempDir
    Path dir;
    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses();

    private List<String> runArgs(Path model, String... extra) {
        List<String> args = new ArrayList<>(List.of("run",
                "--prompts", EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString(),
                "--model", model.toString(), "--threads", "1", "--reports", dir.resolve("reports").toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private Path onlyReport() throws Exception {
        try (Stream<Path> dirs = Files.list(dir.resolve("reports"))) {
            List<Path> found = dirs.filter(Files::isDirectory).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    @Test
    void shouldRefuseACurrentArchitectureInProcessWithinTenSecondsNamingItAndTheServerEngine() throws Exception {
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();

        int code = EvalCtl.execute(new PrintWriter(err, true), runArgs(TestModels.tinyQwen3()).toArray(String[]::new));

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        List<String> lines = err.toString().lines().filter(l -> l.startsWith("evalctl:")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("'qwen3'", "--engine llama-server");
        assertThat(dir.resolve("reports")).doesNotExist(); // refused before anything started
    }

    @Test
    void shouldRunTheTwentyPromptsOfAQwen3ModelOnTheSupervisedLlamaServer() throws Exception {
        assumeTrue(TestModels.llamaServer().isPresent(), TestModels.NO_LLAMA_SERVER);
        StringWriter err = new StringWriter();

        int code = EvalCtl.execute(new PrintWriter(err, true), runArgs(TestModels.tinyQwen3(), "--engine", "llama-server",
                "--llama-server", TestModels.llamaServer().get().toString(), "--max-tokens", "64").toArray(String[]::new));

        assertThat(code).as("stderr: %s", err).isZero();
        Path report = onlyReport();
        ReportChecks.assertSummaryMatchesCsv(report, 20);
        List<CSVRecord> rows = ReportChecks.readCsv(report);
        assertThat(ReportChecks.column(rows, "failure_reason")).doesNotContain("engine_error", "engine_crash");
        // The server's own account: 19 of the 20 prompts share the system prompt, so its cache serves it.
        assertThat(rows.stream().mapToInt(r -> Integer.parseInt(r.get("cached_prompt_tokens"))).sum()).isPositive();
        assertThat(rows).allSatisfy(r -> assertThat(Integer.parseInt(r.get("cached_prompt_tokens"))
                + Integer.parseInt(r.get("evaluated_prompt_tokens"))).isEqualTo(Integer.parseInt(r.get("prompt_tokens"))));
        assertThat(Files.readString(report.resolve("report.md"))).contains("llama-server (llama.cpp b10573, d775b89)");
    }

    @Test
    void shouldFinishARunWhoseServerIsKilledMidRunAndLeaveNoServerBehind() throws Exception {
        assumeTrue(TestModels.llamaServer().isPresent(), TestModels.NO_LLAMA_SERVER);
        // A model path of this test's own, to find its servers among every process on the machine.
        Path model = Files.copy(TestModels.tinyQwen3(), dir.resolve("crash-test-qwen3.gguf"));
        Path log = dir.resolve("run.log");
        Process run = start(log, runArgs(model, "--engine", "llama-server", "--llama-server",
                TestModels.llamaServer().get().toString(), "--max-tokens", "256"));

        // Kill the server once the run is under way, mid-generation most likely (replies take a quarter of a second here).
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.readString(log).contains("] 2/20"));
        List<ProcessHandle> first = servers(model);
        assertThat(first).hasSize(1);
        first.get(0).destroyForcibly();

        assertThat(run.waitFor(3, TimeUnit.MINUTES)).as("run finished; its log:\n%s", tail(log)).isTrue();
        assertThat(run.exitValue()).as("exit code; log:\n%s", tail(log)).isZero();
        List<CSVRecord> rows = ReportChecks.readCsv(onlyReport());
        assertThat(rows).hasSize(20);
        Map<String, Long> reasons = rows.stream().collect(Collectors.groupingBy(r -> r.get("failure_reason"), Collectors.counting()));
        // One slot: at most the job it was running when it died.
        assertThat(reasons.getOrDefault("engine_crash", 0L)).isLessThanOrEqualTo(1);
        assertThat(reasons).doesNotContainKey("engine_error");
        rows.stream().filter(r -> r.get("failure_reason").equals("engine_crash"))
                .forEach(r -> assertThat(r.get("notes")).contains("last log lines"));
        assertThat(Files.readString(log)).contains("starting it again");
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(model).isEmpty());
    }

    @Test
    void shouldLeaveNoServerBehindWhenTheWorkerIsKilledWithSigkill() throws Exception {
        assumeTrue(TestModels.llamaServer().isPresent(), TestModels.NO_LLAMA_SERVER);
        Path model = Files.copy(TestModels.tinyQwen3(), dir.resolve("orphan-test-qwen3.gguf"));
        Path log = dir.resolve("run.log");
        Process run = start(log, runArgs(model, "--engine", "llama-server", "--llama-server",
                TestModels.llamaServer().get().toString(), "--max-tokens", "64"));
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.readString(log).contains("] 0/20"));
        assertThat(servers(model)).hasSize(1);

        run.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs

        await().atMost(Duration.ofSeconds(10)).until(() -> servers(model).isEmpty());
    }

    @Test
    void shouldTurnPromptsAVocabularyCannotEncodeIntoErrorsInsteadOfAbortingTheJvm() throws Exception {
        Path log = dir.resolve("run.log");
        Process run = start(log, runArgs(TestModels.tinyWithoutByteFallback(), "--max-tokens", "16"));

        assertThat(run.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(run.exitValue()).as("exit code; log:\n%s", tail(log)).isZero();
        List<CSVRecord> rows = ReportChecks.readCsv(onlyReport());
        assertThat(rows).hasSize(20);
        // Exactly the prompts with a character outside ASCII (Zoë, ¿Cómo ... español) cannot be encoded.
        Map<String, CSVRecord> byId = rows.stream().collect(Collectors.toMap(r -> r.get("prompt_id"), r -> r));
        for (String id : List.of("IQ-003", "IQ-040", "IQ-170")) {
            assertThat(byId.get(id).get("status")).as(id).isEqualTo("error");
            assertThat(byId.get(id).get("validation_errors")).as(id).contains("cannot encode the character", "U+00");
        }
        assertThat(rows.stream().filter(r -> r.get("status").equals("error")).count()).isEqualTo(3);
    }

    private Process start(Path log, List<String> evalctlArgs) throws Exception {
        String name = log.getFileName().toString().replace(".log", "");
        return processes.logTo(log.getParent()).evalctl(name, Map.of(), evalctlArgs);
    }

    /** Live llama-server processes serving this model file, wherever they are in the process tree. */
    private static List<ProcessHandle> servers(Path model) {
        String path = model.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("llama-server")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(path)).orElse(false))
                .filter(EngineChoiceIT::running)
                .toList();
    }

    /** A zombie awaiting its reaper is not running. */
    private static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            return p.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
