package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in the middle of {@code evalctl run}: the process stops within seconds with 130 and leaves
 * nothing in its temp folder (embedded broker data, Streams state, extracted native libraries) but
 * the empty private per-user folder.
 */
class InterruptIT {
    @TempDir
    Path dir;
    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses();

    @Test
    void shouldLeaveNoTempFilesBehindWhenInterruptedMidRun() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path reports = dir.resolve("reports");
        // JAVA_TOOL_OPTIONS reaches the child JVM without a second way of starting it.
        Process run = processes.logTo(dir).evalctl("run", Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp),
                List.of("run", "--prompts", EndToEndIT.ROOT.resolve("prompts/interview_chat_200.jsonl").toString(),
                        "--reports", reports.toString(), "--max-tokens", "400"));

        // Once a result is in, the broker, the aggregator's state store and the engine all exist.
        await().atMost(Duration.ofMinutes(3)).until(() -> Files.readString(processes.log("run")).contains("] 1/200"));
        assertThat(listRecursively(tmp)).anyMatch(p -> p.getFileName().toString().startsWith("evalpipe-kafka-"));
        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).inheritIO().start().waitFor();

        assertThat(run.waitFor(30, TimeUnit.SECONDS)).as(processes.tail("run", 20)).isTrue();
        assertThat(run.exitValue()).isEqualTo(130); // 128 + SIGINT, as a shell reports it
        // The private per-user folder (0700) stays for the next run, empty.
        assertThat(listRecursively(tmp)).as(processes.tail("run", 20))
                .isSubsetOf(List.of(tmp.resolve("evalpipe-" + System.getProperty("user.name"))));
        assertThat(Files.readString(processes.log("run"))).doesNotContain("Exception in thread");
    }

    private static List<Path> listRecursively(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).toList();
        }
    }
}
