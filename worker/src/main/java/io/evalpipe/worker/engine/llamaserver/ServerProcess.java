package io.evalpipe.worker.engine.llamaserver;

import io.evalpipe.worker.engine.LlamaCppOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One start of llama-server: the child process, the loopback port and API key made for it, and its log.
 *
 * <p>The child must not outlive the worker, even one killed with SIGKILL, which runs no shutdown hook:
 * it is started through {@code setpriv --pdeathsig KILL} (util-linux, on every Debian and Ubuntu image),
 * so the kernel kills it when the thread that started it ends. That is why {@link Supervisor} starts
 * every child from one long-lived thread of its own. Without setpriv the worker says once that a
 * killed worker may leave its server behind.
 */
final class ServerProcess {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 100;

    final Process process;
    final int port;
    final String apiKey;
    final ServerLog log;
    private final Path model;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HEALTH_TIMEOUT)
            .build();

    private ServerProcess(Process process, int port, String apiKey, Path model, ServerLog log) {
        this.process = process;
        this.port = port;
        this.apiKey = apiKey;
        this.model = model;
        this.log = log;
    }

    /** Starts the child. Call it from {@link Supervisor}'s thread only (see the class comment). */
    /**
     * @param configHome an empty folder of the worker's own, given as {@code XDG_CONFIG_HOME}: llama-server
     *                   reads {@code $XDG_CONFIG_HOME/llama.cpp/config.ini} (and {@code LLAMA_ARG_*}
     *                   variables) before its flags, and a user's file there must not change a run
     * @param logFile    where its output goes (see {@link ServerLog})
     */
    static ServerProcess start(LlamaServerBinary binary, Path model, LlamaCppOptions options, Path setpriv, Path configHome,
                               Path logFile) throws IOException {
        int port = freePort();
        String key = HexFormat.of().formatHex(randomBytes());
        List<String> command = new ArrayList<>();
        if (setpriv != null) {
            command.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
        }
        command.add(binary.path().toString());
        command.addAll(ServerArguments.of(model, options, port));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(name -> name.startsWith("LLAMA_ARG_") || name.startsWith("LLAMA_API_KEY"));
        pb.environment().put("XDG_CONFIG_HOME", configHome.toString());
        // In the environment, not on the command line, which every user of the host can read.
        pb.environment().put("LLAMA_API_KEY", key);
        return new ServerProcess(pb.start(), port, key, model, new ServerLog(logFile));
    }

    /** {@code http://127.0.0.1:PORT/v1}, where the OpenAI-compatible API is. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    /**
     * Waits until the server answers {@code GET /health} with 200, i.e. the model is loaded.
     *
     * @throws LlamaServerException with the server's own reason when it exits first, or when it is not
     *     ready in time (it is then stopped)
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .header("Authorization", "Bearer " + apiKey)
                .timeout(HEALTH_TIMEOUT)
                .GET().build();
        while (true) {
            if (process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new LlamaServerException("llama-server could not serve " + model.getFileName() + " (exit code "
                        + process.exitValue() + "): " + ServerLog.lastMeaningfulLine(log.tail()));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // Not listening yet.
            } catch (IOException e) {
                // Listening but not answering yet: keep waiting until the deadline.
            }
            if (System.nanoTime() - deadline > 0) {
                stop(Duration.ofSeconds(5));
                throw new LlamaServerException("llama-server did not load " + model.getFileName() + " within "
                        + timeout.toSeconds() + " s; its last line: " + ServerLog.lastMeaningfulLine(log.tail()));
            }
        }
    }

    /** True when the process has ended, waiting up to {@code millis} for it to do so. */
    boolean ended(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** How it ended, for the log and an {@code engine_crash} note: {@code exit code 1}, {@code killed by signal 9}. */
    String howItEnded() {
        int code = process.exitValue();
        return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!ended(grace.toMillis())) {
            process.destroyForcibly();
            ended(grace.toMillis());
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A loopback port that is free now; the server binds it a moment later (a clash is retried with another). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** setpriv on the PATH, or null. */
    static Path findSetpriv(String pathVariable) {
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            Path p = dir.isEmpty() ? null : Path.of(dir, "setpriv");
            if (p != null && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
