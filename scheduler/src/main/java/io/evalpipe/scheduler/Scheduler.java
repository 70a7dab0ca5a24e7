package io.evalpipe.scheduler;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service loop of {@code evalctl schedule}: wait for the next cron time, run the suite, repeat
 * until stopped. Runs never overlap: a fire time that passes while a run is still going is skipped
 * (with a warning), since two runs of one suite at once would measure each other's load.
 */
public final class Scheduler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final String suite;
    private final CronSchedule cron;
    private final Clock clock;
    private final Ticker ticker;
    private final RegressionJob job;
    private volatile boolean running = true;

    public Scheduler(String suite, CronSchedule cron, Clock clock, Ticker ticker, RegressionJob job) {
        this.suite = suite;
        this.cron = cron;
        this.clock = clock;
        this.ticker = ticker;
        this.job = job;
    }

    @Override
    public void run() {
        Instant from = clock.instant();
        try {
            while (running) {
                Instant next = cron.nextAfter(from);
                log.info("Suite {}: next run at {} (cron {})", suite, next, cron);
                if (!ticker.awaitUntil(next) || !running) {
                    break;
                }
                job.run(next, () -> running);
                Instant now = clock.instant();
                Instant following = cron.nextAfter(next);
                if (!following.isAfter(now)) {
                    log.warn("Suite {}: the run of {} lasted until {}, past the next fire time {}: skipping to the one after {}",
                            suite, next, now, following, now);
                }
                from = now.isAfter(next) ? now : next;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Suite {}: scheduler stopped", suite);
    }

    /** Ends the loop: a wait ends at once, a run in progress stops waiting for its report. */
    public void stop() {
        running = false;
        ticker.stop();
    }
}
