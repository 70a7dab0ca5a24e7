package io.evalpipe.launch;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code [#########-----------]  9/20  passing 7  elapsed 0:12  ETA 0:15}. Redraws in place on a
 * terminal; elsewhere (CI logs, pipes) prints a line only when the count changes.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final int total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private int lastDone = -1;

    public ProgressBar(PrintStream out, int total, boolean terminal) {
        this.out = out;
        this.total = total;
        this.terminal = terminal;
    }

    public synchronized void update(int done, int passed) {
        if (!terminal && done == lastDone) {
            return;
        }
        lastDone = done;
        out.print((terminal ? "\r" : "") + render(done, passed, Duration.ofNanos(System.nanoTime() - startNanos)) + (terminal ? "" : "\n"));
        out.flush();
    }

    public synchronized void finish() {
        if (terminal) {
            out.println();
        }
    }

    /** ETA assumes the remaining prompts take as long on average as the finished ones. */
    public String render(int done, int passed, Duration elapsed) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String eta = done == 0 ? "?" : clock(elapsed.multipliedBy(Math.max(0, total - done)).dividedBy(done));
        return String.format("[%s] %d/%d  passing %d  elapsed %s  ETA %s", bar, done, total, passed, clock(elapsed), eta);
    }

    private static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
