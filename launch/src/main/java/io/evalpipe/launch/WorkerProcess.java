package io.evalpipe.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code evalctl worker} in a child process of its own, for a sweep that varies the model: the
 * llama.cpp binding keeps one model per process (a second one loaded beside the first changed its
 * replies), and a process of its own also gives each model its own peak memory figure. Its output
 * goes to a log file. Closing asks it to stop (SIGTERM: it hands its jobs back and leaves), waits,
 * and kills it and its children after a deadline; a shutdown hook does the same if this JVM stops first.
 */
public final class WorkerProcess implements AutoCloseable {
    /** The worker leaves within 10 s of SIGTERM (WorkerCommand); the rest is the JVM's own exit. */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean stopped;

    private WorkerProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stop, "worker-process-" + process.pid() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code java -cp <this JVM's class path> MAIN worker ARGS} with this JVM's java, so the
     * worker runs exactly the code this command runs.
     *
     * @param mainClass evalctl's main class (named by the caller: this module is below the command line)
     * @throws CliException exit 3 when the process cannot be started
     */
    public static WorkerProcess startWorker(String mainClass, List<String> workerArgs, Path logFile) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass, "worker"));
        command.addAll(workerArgs);
        return start(command, logFile);
    }

    /** Any command, its output (stdout and stderr) in {@code logFile}. */
    static WorkerProcess start(List<String> command, Path logFile) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            log.info("Started worker process {}, logging to {}", p.pid(), logFile);
            return new WorkerProcess(p, logFile);
        } catch (IOException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "cannot start a worker process: " + Preflight.reason(e), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; null while it runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Peak resident memory of the process so far (Linux's {@code VmHWM}), in bytes: what it needed at
     * its largest, model and KV cache included. Null where there is no {@code /proc} (macOS, Windows)
     * or the process has exited.
     */
    public Long peakRssBytes() {
        try {
            return peakRssBytes(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code VmHWM:   123456 kB} line of a {@code /proc/<pid>/status}, in bytes; null without one. */
    static Long peakRssBytes(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        }
        return null;
    }

    /**
     * Why it stopped, in one line: the last {@code evalctl:} line of its log (the one-line error every
     * command ends with), else its last line; null when the log is empty or unreadable.
     */
    public String lastErrorLine() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            String last = null;
            String error = null;
            for (String line : lines) {
                if (!line.isBlank()) {
                    last = line.strip();
                    if (last.startsWith("evalctl:")) {
                        error = last;
                    }
                }
            }
            return error != null ? error : last;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stops it, as the class comment says; {@link #exitCode} then says how it ended. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway, and finds the process stopped
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        process.destroy();
        try {
            if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Worker process {} did not stop within {} s of SIGTERM; killing it", process.pid(), STOP_DEADLINE.toSeconds());
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    /** Its children first (a llama-server it supervises), which would otherwise outlive it. */
    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
