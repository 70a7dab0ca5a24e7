package io.evalpipe.scheduler;

import java.time.Instant;

/**
 * Waits for the scheduler's next fire time. The service waits on the wall clock; tests inject one
 * that fires when they say, so that no test waits for a real cron time.
 */
public interface Ticker {
    /**
     * @return true once {@code at} has come; false when the scheduler is being stopped instead
     */
    boolean awaitUntil(Instant at) throws InterruptedException;

    /** Makes a waiting (or the next) {@link #awaitUntil} return false. */
    void stop();
}
