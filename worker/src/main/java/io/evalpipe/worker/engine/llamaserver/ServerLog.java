package io.evalpipe.worker.engine.llamaserver;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a llama-server process printed, in a file of its own: the one-line reason of a failed load,
 * and the last lines before a crash for an {@code engine_crash} result, are read from its end.
 *
 * <p>Why a file and not a pipe: llama.cpp logs several lines per request, which would drown the
 * worker's own log, so nothing streams them anyway; and the lines a process prints just before it
 * exits are exactly the ones that matter, while the JDK's pipe to a child that has exited can lose
 * them (its reaper drains and closes the pipe under a reader: seen here as a cut line, 1 start in 30).
 * A file also cannot fill up and block the server the way an unread pipe would.
 */
final class ServerLog {
    static final int KEEP = 40;
    /** The last lines of a log are in its last bytes; llama.cpp's lines are well under 1 KiB. */
    private static final int TAIL_BYTES = 64 * 1024;
    /** A line llama.cpp logged at error level: {@code 0.00.007.028 E llama_model_load: error loading model: ...}. */
    private static final Pattern ERROR_LEVEL = Pattern.compile("^\\S+ E ");
    /** For output without level markers: lines that read as a failure. */
    private static final Pattern FAILURE = Pattern.compile("(?i)\\b(error|failed|cannot|could not|exception|abort)");

    private final Path file;

    ServerLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The last {@value #KEEP} lines, oldest first; empty when there is no file (yet). */
    List<String> tail() {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            int n = (int) Math.min(length, TAIL_BYTES);
            byte[] bytes = new byte[n];
            f.seek(length - n);
            f.readFully(bytes);
            List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n")));
            if (n < length && !lines.isEmpty()) {
                lines.remove(0); // started mid-line
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - KEEP), lines.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The line that best says why the server stopped: the first one logged at error level (llama.cpp
     * prints the cause first, then "failed to load model" and "exiting" from each caller up the
     * stack), else the first that reads as a failure, else the last line.
     */
    static String lastMeaningfulLine(List<String> lines) {
        String failure = null;
        String lastNonBlank = null;
        for (String line : lines) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (ERROR_LEVEL.matcher(s).find()) {
                return s;
            }
            if (failure == null && FAILURE.matcher(s).find()) {
                failure = s;
            }
            lastNonBlank = s;
        }
        return failure != null ? failure : lastNonBlank != null ? lastNonBlank : "(it printed nothing)";
    }
}
