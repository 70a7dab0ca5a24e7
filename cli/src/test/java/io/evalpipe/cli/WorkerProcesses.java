package io.evalpipe.cli;

import io.evalpipe.worker.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real worker processes for integration tests: the shaded {@code evalctl.jar} (built in the package
 * phase, before the integration tests) or a test main class on the test class path, each logging to a
 * file of its own, all killed after each test.
 *
 * <pre>@RegisterExtension final WorkerProcesses processes = new WorkerProcesses();</pre>
 */
final class WorkerProcesses implements AfterEachCallback {
    static final Path JAR = EndToEndIT.ROOT.resolve("cli/target/evalctl.jar");

    private final List<Process> started = new ArrayList<>();
    private Path logs;

    /** Where the logs go; set before the first start (a test's {@code @TempDir}). */
    WorkerProcesses logTo(Path folder) {
        this.logs = folder;
        return this;
    }

    List<Process> started() {
        return List.copyOf(started);
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** {@code java -jar evalctl.jar ARGS}, its output in {@code NAME.log}. */
    Process evalctl(String name, Map<String, String> env, List<String> args) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the shaded jar is built in the package phase, before integration tests");
        }
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(args);
        return start(name, env, command);
    }

    /** {@code evalctl worker} on the tiny model, in pool default, 1 thread, the repository's schema. */
    Process worker(String name, String bootstrap, String prefix, Map<String, String> env, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker", "--model", TestModels.tiny().toString(), "--threads", "1",
                "--bootstrap-servers", bootstrap, "--topic-prefix", prefix, "--worker-id", name,
                "--schema", EndToEndIT.ROOT.resolve("schemas/interview_chat.schema.json").toString()));
        args.addAll(List.of(extra));
        return evalctl(name, env, args);
    }

    /** A main class of the test class path, with this JVM's class path and the repository root. */
    Process main(String name, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-Devalpipe.root=" + EndToEndIT.ROOT, main.getName()));
        command.addAll(List.of(args));
        return start(name, Map.of(), command);
    }

    private Process start(String name, Map<String, String> env, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** The last {@code lines} lines of a process's log, for an assertion's message. */
    String tail(String name, int lines) throws IOException {
        List<String> all = Files.readAllLines(log(name));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        started.clear();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
