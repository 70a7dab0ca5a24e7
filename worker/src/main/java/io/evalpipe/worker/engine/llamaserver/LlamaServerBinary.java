package io.evalpipe.worker.engine.llamaserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A llama-server executable and what it says about itself: its build (recorded in every result's
 * lineage) and the devices it can offload to.
 *
 * @param path   the executable
 * @param build  llama.cpp's build number, e.g. {@code 10573}; null when {@code --version} did not say
 * @param commit the short commit it was built from, e.g. {@code d775b89}; null when not said
 */
public record LlamaServerBinary(Path path, String build, String commit) {

    /** Where {@link #resolve} looks when no path is given. */
    public static final String ENV = "EVALPIPE_LLAMA_SERVER";

    /** b10573 prints {@code version: 0.2.0-dev (build 10573, commit d775b89)}; older builds {@code version: 6097 (9515c613)}. */
    private static final Pattern NEW_VERSION = Pattern.compile("build (\\d+), commit ([0-9a-f]+)");
    private static final Pattern OLD_VERSION = Pattern.compile("version: (\\d+) \\(([0-9a-f]+)\\)");
    private static final long PROBE_SECONDS = 20;

    /** For lineage: {@code llama-server (llama.cpp b10573, d775b89)}. */
    public String describe() {
        return "llama-server (llama.cpp " + (build == null ? "build unknown" : "b" + build)
                + (commit == null ? "" : ", " + commit) + ")";
    }

    /**
     * Finds the executable: {@code explicit} when given, else {@link #ENV}, else {@code llama-server}
     * on the PATH; then asks it for its version.
     *
     * @throws LlamaServerException naming where it looked, when there is none or it does not run
     */
    public static LlamaServerBinary resolve(Path explicit, Map<String, String> env) {
        Path path;
        String from;
        if (explicit != null) {
            path = explicit;
            from = "--llama-server";
        } else if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
            path = Path.of(env.get(ENV));
            from = ENV;
        } else {
            path = onPath(env.getOrDefault("PATH", ""));
            from = "PATH";
            if (path == null) {
                throw new LlamaServerException("no llama-server found: pass --llama-server PATH, set " + ENV
                        + ", or put llama.cpp's llama-server on the PATH");
            }
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new LlamaServerException("llama-server " + path + " (from " + from + ") is not an executable file");
        }
        return probe(path.toAbsolutePath());
    }

    /** The GPU devices the binary can offload to, as it lists them ({@code CUDA0: NVIDIA H200 ...}); empty for a CPU build. */
    public List<String> devices() {
        List<String> devices = new ArrayList<>();
        boolean listing = false; // a CUDA build first logs what ggml_cuda_init found; the list follows its heading
        for (String line : run(path, "--list-devices").split("\n")) {
            String s = line.strip();
            if (s.startsWith("Available devices")) {
                listing = true;
            } else if (listing && !s.isEmpty() && !s.equals("(none)")) {
                devices.add(s);
            }
        }
        return devices;
    }

    static LlamaServerBinary probe(Path path) {
        String out = run(path, "--version");
        Matcher m = NEW_VERSION.matcher(out);
        if (m.find()) {
            return new LlamaServerBinary(path, m.group(1), m.group(2));
        }
        m = OLD_VERSION.matcher(out);
        if (m.find()) {
            return new LlamaServerBinary(path, m.group(1), m.group(2));
        }
        return new LlamaServerBinary(path, null, null);
    }

    private static Path onPath(String pathVariable) {
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "llama-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Output of a short informational call (stdout and stderr together: llama.cpp prints these to stderr). */
    private static String run(Path path, String flag) {
        try {
            Process p = new ProcessBuilder(path.toString(), flag).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(64 * 1024);
            }
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LlamaServerException("llama-server " + path + " " + flag + " did not answer within " + PROBE_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new LlamaServerException("llama-server " + path + " " + flag + " failed with exit code " + p.exitValue()
                        + ": " + ServerLog.lastMeaningfulLine(List.of(text.split("\n"))));
            }
            return text;
        } catch (IOException e) {
            throw new LlamaServerException("cannot run llama-server " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaServerException("interrupted while asking llama-server " + path + " for " + flag, e);
        }
    }
}
