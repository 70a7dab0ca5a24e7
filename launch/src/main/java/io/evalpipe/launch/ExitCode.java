package io.evalpipe.launch;

/** The exit codes every evalctl command keeps to, so scripts and CI can branch on them. */
public final class ExitCode {
    public static final int OK = 0;
    /** The evaluation ran, but a gate (pass rate, latency) failed. */
    public static final int GATE_FAILED = 1;
    /** Bad usage or bad input: fix the command or the file. */
    public static final int USAGE = 2;
    /** The broker or the model is not usable: fix the environment. */
    public static final int INFRASTRUCTURE = 3;

    private ExitCode() {}
}
