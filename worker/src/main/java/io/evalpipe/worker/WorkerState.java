package io.evalpipe.worker;

import java.util.Locale;

/** What a worker is doing, for its health endpoint and its log. */
public enum WorkerState {
    /** Loading its model (or starting its engine): takes no jobs yet. */
    LOADING,
    /** Taking jobs. */
    READY,
    /** Its engine cannot be reached: it holds or hands back its jobs, retrying with back-off. */
    DEGRADED,
    /** Handing back its jobs and leaving. */
    STOPPING,
    /** Stopped by a failure it cannot get past (a fatal Kafka error, an unloadable model). */
    ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
