package io.evalpipe.worker.engine.llamaserver;

import io.evalpipe.worker.engine.EngineUnavailableException;
import io.evalpipe.worker.engine.LlamaCppOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one llama-server running: starts it, waits for it to load, and when it dies starts it again
 * after a back-off (1 s, doubling to 30 s; back to 1 s once a server stayed up for a minute), for as
 * long as the engine is open. Every child is started from this class's own thread, which lives as long
 * as the supervisor: the parent-death signal that ties a child to the worker is tied to the thread
 * that started it (see {@link ServerProcess}).
 *
 * <p>The first start is the caller's: {@link #start} returns once the model is loaded, or throws with
 * the server's reason, so a model the server cannot load stops the worker before it takes a job. A
 * later start that fails is retried with the same back-off; meanwhile {@link #awaitServing} says the
 * engine is unavailable.
 */
final class Supervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE = Duration.ofMinutes(1);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** A port taken between our probe and the server's bind is retried this often with another port. */
    private static final int PORT_ATTEMPTS = 3;

    private final LlamaServerBinary binary;
    private final Path model;
    private final LlamaCppOptions options;
    private final Duration loadTimeout;
    private final Path setpriv;
    /** Private to this engine (0700): llama-server's empty configuration folder and its log files. */
    private final Path workDir;
    private final Path configHome;
    private int starts;
    private final CompletableFuture<ServerProcess> firstStart = new CompletableFuture<>();
    private final Thread thread;
    private final Object lock = new Object();
    /** The serving process, or null while (re)starting. Guarded by {@link #lock}. */
    private ServerProcess serving;
    /** Counts starts, so a caller can tell the process it used from a later one. Guarded by {@link #lock}. */
    private int generation;
    private volatile boolean closed;
    private final Thread shutdownHook = new Thread(this::close, "llama-server-shutdown");

    private Supervisor(LlamaServerBinary binary, Path model, LlamaCppOptions options, Duration loadTimeout, Path setpriv,
                       Path workDir) {
        this.workDir = workDir;
        this.configHome = workDir.resolve("config");
        this.binary = binary;
        this.model = model;
        this.options = options;
        this.loadTimeout = loadTimeout;
        this.setpriv = setpriv;
        this.thread = new Thread(this::supervise, "llama-server-supervisor");
        thread.setDaemon(true);
    }

    /**
     * Starts the server and waits until it serves.
     *
     * @throws LlamaServerException with the server's own reason when it cannot load the model
     */
    static Supervisor start(LlamaServerBinary binary, Path model, LlamaCppOptions options, Duration loadTimeout) {
        Path setpriv = ServerProcess.findSetpriv(System.getenv().getOrDefault("PATH", ""));
        if (setpriv == null) {
            log.warn("setpriv (util-linux) is not on the PATH: if this worker is killed with SIGKILL, its llama-server"
                    + " keeps running");
        }
        Path workDir;
        try {
            workDir = Files.createTempDirectory("evalpipe-llama-server-"); // owner-only
            Files.createDirectory(workDir.resolve("config"));
        } catch (IOException e) {
            throw new LlamaServerException("cannot create a private folder for llama-server: " + e.getMessage(), e);
        }
        if (Files.exists(Path.of("/etc/llama.cpp/config.ini"))) {
            log.warn("/etc/llama.cpp/config.ini exists: llama-server applies it to settings this worker does not pass");
        }
        Supervisor s = new Supervisor(binary, model, options, loadTimeout, setpriv, workDir);
        // On SIGTERM the server gets its own SIGTERM, and its folder goes, rather than both dying with the JVM.
        Runtime.getRuntime().addShutdownHook(s.shutdownHook);
        s.thread.start();
        try {
            s.firstStart.get();
            return s;
        } catch (ExecutionException e) {
            s.close();
            throw e.getCause() instanceof LlamaServerException l ? l : new LlamaServerException(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            s.close();
            Thread.currentThread().interrupt();
            throw new LlamaServerException("interrupted while llama-server was loading " + model.getFileName(), e);
        }
    }

    /** The server and its generation, once it serves. */
    record Serving(ServerProcess process, int generation) {}

    /**
     * The serving process, waiting up to {@code maxWait} while it restarts.
     *
     * @throws EngineUnavailableException when it does not serve within that time, or the engine is closed
     */
    Serving awaitServing(Duration maxWait) throws EngineUnavailableException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (lock) {
            while (serving == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new EngineUnavailableException("llama-server is restarting (it ended and is being started again)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineUnavailableException("interrupted while waiting for llama-server", e);
                }
            }
            if (closed) {
                throw new EngineUnavailableException("the llama-server engine is closed");
            }
            return new Serving(serving, generation);
        }
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            ServerProcess p;
            try {
                p = startAndLoad();
            } catch (LlamaServerException | IOException e) {
                if (!firstStart.isDone()) {
                    firstStart.completeExceptionally(e instanceof LlamaServerException ? e
                            : new LlamaServerException("cannot start " + binary.path() + ": " + e.getMessage(), e));
                    return;
                }
                log.error("llama-server could not be started again: {}; next try in {} s", e.getMessage(), backoff.toSeconds());
                backoff = pause(backoff);
                continue;
            } catch (InterruptedException e) {
                break; // closed
            }
            long readyAt = System.nanoTime();
            synchronized (lock) {
                serving = p;
                generation++;
                lock.notifyAll();
            }
            firstStart.complete(p);
            try {
                p.process.waitFor();
            } catch (InterruptedException e) {
                break; // closed: close() stops the process
            }
            synchronized (lock) {
                serving = null;
            }
            if (closed) {
                break;
            }
            if (System.nanoTime() - readyAt > STABLE.toNanos()) {
                backoff = FIRST_BACKOFF;
            }
            log.error("llama-server (pid {}) ended ({}): {}; starting it again in {} s", p.process.pid(), p.howItEnded(),
                    ServerLog.lastMeaningfulLine(p.log.tail()), backoff.toSeconds());
            backoff = pause(backoff);
        }
    }

    private ServerProcess startAndLoad() throws IOException, InterruptedException {
        LlamaServerException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            Path logFile = workDir.resolve("llama-server-" + (++starts) + ".log");
            ServerProcess p = ServerProcess.start(binary, model, options, setpriv, configHome, logFile);
            log.info("Started {} (pid {}) on 127.0.0.1:{} for {}; its log: {}", binary.describe(), p.process.pid(), p.port,
                    model.getFileName(), logFile);
            try {
                p.awaitReady(loadTimeout);
                return p;
            } catch (InterruptedException e) {
                p.stop(STOP_GRACE); // closed while it loaded
                throw e;
            } catch (LlamaServerException e) {
                p.stop(STOP_GRACE);
                if (!String.join("\n", p.log.tail()).contains("couldn't bind")) {
                    throw e;
                }
                last = e; // the port was taken in between: another one
            }
        }
        throw last;
    }

    /** Sleeps for the back-off (woken by close) and returns the next one. */
    private Duration pause(Duration backoff) {
        synchronized (lock) {
            try {
                if (!closed) {
                    lock.wait(backoff.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and the supervision. */
    @Override
    public void close() {
        ServerProcess p;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            p = serving;
            serving = null;
            lock.notifyAll();
        }
        if (p != null) {
            p.stop(STOP_GRACE);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs, or has run, anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(STOP_GRACE.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteWorkDir();
    }

    /** Its own files only: the folder is this engine's, created owner-only, and holds no links. */
    private void deleteWorkDir() {
        try (var paths = Files.walk(workDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", workDir, e.toString());
        }
    }
}
